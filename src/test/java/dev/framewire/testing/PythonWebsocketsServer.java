package dev.framewire.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real server that other people run: python's {@code websockets} (Debian's
 * {@code python3-websockets}, which {@code .ci/run} installs), with its keepalive settings
 * {@code ping_interval} and {@code ping_timeout}, in a process of its own. It echoes every
 * message, and answers {@code "burst N SIZE"} with N text messages of SIZE characters (each starts
 * with its number, {@code 0000}, {@code 0001}, …), sent as fast as it can.
 *
 * <p>Tests that need it call {@link #python()} first and skip (JUnit's {@code assumeTrue}) when it
 * is empty: PyPI is not reachable on every machine, and the module may be missing.
 */
public final class PythonWebsocketsServer implements AutoCloseable {

    /** The server, in the dialect websockets 10 (Debian 12) and later versions both accept. */
    private static final String SCRIPT = String.join("\n",
            "import asyncio, sys, websockets",
            "def seconds(arg):",
            "    return None if arg == 'none' else float(arg)",
            "async def handler(ws, path=None):",
            "    async for message in ws:",
            "        if isinstance(message, str) and message.startswith('burst '):",
            "            _, count, size = message.split()",
            "            for i in range(int(count)):",
            "                await ws.send(('%04d' % i) + 'x' * (int(size) - 4))",
            "        else:",
            "            await ws.send(message)",
            "async def main():",
            "    async with websockets.serve(handler, '127.0.0.1', 0, ping_interval=seconds(sys.argv[1]),",
            "                                ping_timeout=seconds(sys.argv[2])) as server:",
            "        print(server.sockets[0].getsockname()[1], flush=True)",
            "        # Until the test closes stdin (or its JVM dies): no server outlives its test.",
            "        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)",
            "asyncio.run(main())",
            "");

    /** Where a python with websockets may be: the system one first (Debian's package installs there). */
    private static final List<String> CANDIDATES = List.of("/usr/bin/python3", "python3");

    private static final Optional<String> PYTHON = find();

    private final Process process;
    private final Path script;
    private final Path log;
    private final URI uri;

    private PythonWebsocketsServer(Process process, Path script, Path log, int port) {
        this.process = process;
        this.script = script;
        this.log = log;
        this.uri = URI.create("ws://127.0.0.1:" + port + "/");
    }

    /** {@return a python that can import websockets, if this machine has one} */
    public static Optional<String> python() {
        return PYTHON;
    }

    /** What a test that skips says. */
    public static final String MISSING = "no python3 with the websockets module here (on Debian:"
            + " apt-get install python3-websockets; .ci/run does that)";

    private static Optional<String> find() {
        for (String python : CANDIDATES) {
            try {
                Process probe = new ProcessBuilder(python, "-c", "import websockets").redirectErrorStream(true).start();
                probe.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                if (probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                    return Optional.of(python);
                }
                probe.destroyForcibly();
            } catch (IOException e) {
                // Not on this machine: try the next.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Starts a server.
     *
     * @param pingInterval its {@code ping_interval}, or {@code null} for none (it sends no Pings)
     * @param pingTimeout  its {@code ping_timeout}: how long it waits for a Pong before it closes
     *                     the connection (1011, "keepalive ping timeout")
     */
    public static PythonWebsocketsServer start(Duration pingInterval, Duration pingTimeout) throws IOException {
        String python = PYTHON.orElseThrow(() -> new IllegalStateException(MISSING));
        Path script = Files.createTempFile("framewire-websockets-server", ".py");
        Files.writeString(script, SCRIPT);
        // Its log (a ping timeout is logged with a traceback) goes to a file, quoted if it fails to start.
        Path log = Files.createTempFile("framewire-websockets-server", ".log");
        Process process = new ProcessBuilder(python, script.toString(), seconds(pingInterval), seconds(pingTimeout))
                .redirectError(log.toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> port = TestThreads.supply(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String line = port.get(20, TimeUnit.SECONDS);
            if (line == null) {
                throw new IOException("the websockets server ended before it listened: exit " + process.waitFor()
                        + ", log:\n" + Files.readString(log));
            }
            return new PythonWebsocketsServer(process, script, log, Integer.parseInt(line.trim()));
        } catch (Exception e) {
            process.destroyForcibly();
            Files.deleteIfExists(script);
            Files.deleteIfExists(log);
            throw e instanceof IOException io ? io : new IOException("the websockets server did not start", e);
        }
    }

    private static String seconds(Duration d) {
        return d == null ? "none" : String.valueOf(d.toNanos() / 1e9);
    }

    /** {@return where to connect} */
    public URI uri() {
        return uri;
    }

    /** Stops the server: closes its stdin, then kills it if it does not end at once. */
    @Override
    public void close() throws IOException {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            Files.deleteIfExists(script);
            Files.deleteIfExists(log);
        }
    }
}
