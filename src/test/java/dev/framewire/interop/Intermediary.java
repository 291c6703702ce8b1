package dev.framewire.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A real program that production puts in front of (or instead of) a WebSocket server, started by a
 * test as a process of its own on 127.0.0.1 with a configuration generated into a directory of
 * its own: nginx, HAProxy, squid, Chromium.
 *
 * <p>A test class marked {@link Requires} is skipped, reported with a message that names the
 * Debian package, when its program is absent, unless the environment variable {@value #REQUIRED}
 * is {@code 1} (as {@code .ci/run} sets it, after installing the packages): then a missing program
 * fails the class, so CI cannot pass by testing nothing. {@link #find} gives the program's path.
 *
 * <p>{@link #close} ends the process and its children (SIGTERM, then SIGKILL after 5 s) and
 * deletes its directory; a JVM shutdown hook ends a process a test forgot, so no intermediary
 * outlives the test JVM when it exits normally.
 */
final class Intermediary implements AutoCloseable {

    /** The environment variable that turns a missing program from a skip into a failure. */
    static final String REQUIRED = "FRAMEWIRE_INTEROP_REQUIRED";

    private static final List<String> DIRECTORIES = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin",
            "/usr/local/bin");

    private final String name;
    private final Process process;
    private final Path dir;
    private final Path output;
    private final Thread reaper;

    private Intermediary(String name, Process process, Path dir, Path output) {
        this.name = name;
        this.process = process;
        this.dir = dir;
        this.output = output;
        this.reaper = new Thread(process::destroyForcibly, "interop-reaper-" + name);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * {@return the program's path}; fails the calling test when it is on neither the {@code PATH}
     * nor in the usual system directories (a test class marked {@link Requires} is skipped before
     * it gets here, unless {@value #REQUIRED}{@code =1})
     *
     * @param program       the executable's name, such as {@code nginx}
     * @param debianPackage the Debian package that brings it
     */
    static Path find(String program, String debianPackage) {
        return locate(program).orElseGet(() -> fail(missing(program, debianPackage)));
    }

    /**
     * {@return what a test says about a missing program}; throws instead, as a failure, when
     * {@value #REQUIRED}{@code =1}
     */
    static String missing(String program, String debianPackage) {
        String message = program + " is not installed here (on Debian: apt-get install " + debianPackage
                + "; .ci/run does that)";
        if ("1".equals(System.getenv(REQUIRED))) {
            throw new AssertionError(message + " (" + REQUIRED + "=1, so this is a failure, not a skip)");
        }
        return message;
    }

    static Optional<Path> locate(String program) {
        List<String> path = new ArrayList<>();
        String env = System.getenv("PATH");
        if (env != null) {
            path.addAll(List.of(env.split(":")));
        }
        path.addAll(DIRECTORIES);
        return path.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, program))
                .filter(Files::isExecutable).findFirst();
    }

    /**
     * {@return the first line of what {@code command} prints (stdout and stderr together)}, such as
     * {@code nginx version: nginx/1.22.1}
     */
    static String version(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            // Chromium's wrapper script prints a shell warning first on some machines: skip such lines.
            return out.lines().filter(line -> !line.contains("unexpected operator") && !line.isBlank())
                    .findFirst().orElse("(no output)").trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@return a fresh directory for one program's configuration and logs}, readable and writable by
     * every user: squid drops root for its own user and must still write its logs there
     */
    static Path directory(String name) throws IOException {
        Path dir = Files.createTempDirectory("framewire-interop-" + name + "-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    /** {@return a loopback port that was free a moment ago}, for a program that must be told its port */
    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /**
     * Starts {@code command} in {@code dir} and waits until {@code 127.0.0.1:port} accepts TCP.
     *
     * @throws IOException if the program ends first or does not listen within {@code within}; the
     *                     message quotes its output and the logs in {@code dir}
     */
    static Intermediary start(String name, Path dir, List<String> command, int port, Duration within)
            throws IOException, InterruptedException {
        return start(name, dir, command, within, () -> accepts(port));
    }

    /** Like {@link #start(String, Path, List, int, Duration)}, ready when {@code ready} says so. */
    static Intermediary start(String name, Path dir, List<String> command, Duration within, BooleanSupplier ready)
            throws IOException, InterruptedException {
        Path output = dir.resolve(name + ".out");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        process.getOutputStream().close();
        Intermediary started = new Intermediary(name, process, dir, output);
        long deadline = System.nanoTime() + within.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                String why = process.isAlive() ? "did not get ready within " + within.toMillis() + " ms"
                        : "ended with exit " + process.exitValue() + " before it was ready";
                String logs = started.logs();
                started.close();
                throw new IOException(name + " " + why + ": " + command + "\n" + logs);
            }
            Thread.sleep(50);
        }
        return started;
    }

    /** {@return whether something accepts TCP connections on {@code 127.0.0.1:port}} */
    static boolean accepts(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@return the directory of this program's configuration and logs} */
    Path dir() {
        return dir;
    }

    /** {@return whether the process still runs} */
    boolean isAlive() {
        return process.isAlive();
    }

    /** {@return the program's output and every {@code .log} file in its directory}, for a failure message */
    String logs() {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.equals(output) || f.toString().endsWith(".log")).sorted().toList()) {
                String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                all.append("--- ").append(file.getFileName()).append('\n')
                        .append(text.length() > 8000 ? "…" + text.substring(text.length() - 8000) : text);
            }
        } catch (IOException e) {
            all.append("(logs unreadable: ").append(e).append(')');
        }
        return all.toString();
    }

    /** Ends the process: SIGTERM, and SIGKILL if it still runs after 5 s. */
    @Override
    public void close() {
        // Chromium's renderers and squid's helpers are children: end them too.
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
        deleteDirectory();
    }

    /** Deletes the configuration and logs (a Chromium profile is megabytes); a failed start quoted them already. */
    private void deleteDirectory() {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // A file the program was still writing: /tmp is cleaned by the system in the end.
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", " + dir + ")";
    }
}
