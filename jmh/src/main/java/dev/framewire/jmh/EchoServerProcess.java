package dev.framewire.jmh;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link EchoServerMain} in a JVM of its own: the same Java as the caller, the caller's class path
 * (the benchmarks jar, or whatever ran the caller), output other than the port line passed through
 * to the caller's standard error.
 */
public final class EchoServerProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private EchoServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the server and waits until it listens.
     *
     * @param serverArgs arguments for {@link EchoServerMain#main}
     */
    public static EchoServerProcess start(String... serverArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // A fixed, generous heap: the scale run holds thousands of connections; no resizing noise.
        // -Dframewire.echoServerHeap=3g for tens of thousands.
        String heap = System.getProperty("framewire.echoServerHeap", "1g");
        command.add("-Xms" + heap);
        command.add("-Xmx" + heap);
        command.add("-XX:+UseParallelGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(EchoServerMain.class.getName());
        command.addAll(List.of(serverArgs));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("PORT=")) {
                int port = Integer.parseInt(line.substring("PORT=".length()).trim());
                Thread drain = new Thread(() -> {
                    try {
                        for (String l; (l = out.readLine()) != null; ) {
                            System.err.println("[echo server] " + l);
                        }
                    } catch (IOException ignored) {
                        // The server ended.
                    }
                }, "echo-server-output");
                drain.setDaemon(true);
                drain.start();
                return new EchoServerProcess(p, port);
            }
            System.err.println("[echo server] " + line);
        }
        p.destroyForcibly();
        throw new IOException("The echo server ended before printing its port (command: "
                + String.join(" ", command).replace(File.pathSeparator, File.pathSeparator + " ") + ")");
    }

    /** {@return {@code ws://127.0.0.1:PORT} followed by {@code path}} */
    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    /** {@return the port the server listens on} */
    public int port() {
        return port;
    }

    /** Stops the server: closes its standard input, then kills it if it has not gone in 5 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
