package dev.framewire.faults;

import dev.framewire.testing.TestThreads;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link FaultServerMain} in a child JVM inside the servers' namespace, started with
 * {@code ip netns exec NS java …}. {@code ip netns exec} replaces itself with the command, so the
 * child's PID is the server JVM's, and {@link #freeze}/{@link #kill} signal the server itself.
 * Its stderr goes to {@code target/faults-server-PID.log}.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern PORTS = Pattern.compile("ports echo=(\\d+) echo2=(\\d+) scripted=(\\d+)");

    private final Process process;
    private final String host;
    private final int echoPort;
    private final int echo2Port;
    private final int scriptedPort;

    private ServerProcess(Process process, String host, int echoPort, int echo2Port, int scriptedPort) {
        this.process = process;
        this.host = host;
        this.echoPort = echoPort;
        this.echo2Port = echo2Port;
        this.scriptedPort = scriptedPort;
    }

    /** Starts the servers in {@code namespace} and waits until they listen. */
    static ServerProcess start(NetworkNamespace namespace) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = namespace.inside(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), FaultServerMain.class.getName());
        Path log = Files.createDirectories(Path.of("target")).resolve("faults-server-" + namespace.name() + ".log");
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> firstLine = TestThreads.supply("server-stdout", () -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = firstLine.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            line = null;
        }
        Matcher ports = line == null ? null : PORTS.matcher(line);
        if (ports == null || !ports.matches()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("the server JVM in " + namespace.name() + " did not start (printed "
                    + line + "); see " + log + ": " + Files.readString(log));
        }
        return new ServerProcess(process, namespace.serverAddress(), Integer.parseInt(ports.group(1)),
                Integer.parseInt(ports.group(2)), Integer.parseInt(ports.group(3)));
    }

    /** The first Jetty echo server. */
    URI echoUri() {
        return URI.create("ws://" + host + ":" + echoPort + "/echo");
    }

    /** The second Jetty echo server, on a port of its own. */
    URI echo2Uri() {
        return URI.create("ws://" + host + ":" + echo2Port + "/echo");
    }

    /** The scripted server with a script chosen by {@code pathAndQuery}, see {@link FaultServerMain}. */
    URI scriptedUri(String pathAndQuery) {
        return URI.create("ws://" + host + ":" + scriptedPort + pathAndQuery);
    }

    int echoPort() {
        return echoPort;
    }

    int echo2Port() {
        return echo2Port;
    }

    int scriptedPort() {
        return scriptedPort;
    }

    /** SIGSTOP: the server stops running; its kernel keeps the connections and still ACKs. */
    void freeze() {
        Shell.run("kill", "-STOP", Long.toString(process.pid()));
    }

    /** SIGCONT: the frozen server runs on. */
    void resume() {
        Shell.run("kill", "-CONT", Long.toString(process.pid()));
    }

    /** SIGKILL: the server dies at once; its kernel closes its connections (FIN, or RST). */
    void kill() throws InterruptedException {
        Shell.run("kill", "-KILL", Long.toString(process.pid()));
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Stops the server JVM: closing stdin asks it to exit; SIGKILL if it does not (say, frozen). */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // Then it will be killed below.
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly(); // SIGKILL also ends a stopped process
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
