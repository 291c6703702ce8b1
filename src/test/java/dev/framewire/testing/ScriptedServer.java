package dev.framewire.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny RFC 6455 server over plain TCP whose every frame is dictated by a test's script, for the
 * situations no polite server produces: a Ping in the middle of a fragmented message, a Close
 * without status code, RSV bits, invalid UTF-8, a connection that just drops, a client frame to be
 * checked bit by bit.
 *
 * <p>It listens on {@code 127.0.0.1} on an ephemeral port and accepts any request target. For each
 * connection it starts a daemon thread that reads the opening handshake request, answers
 * {@code 101 Switching Protocols} (unless {@link Builder#manualHandshake() told not to}), and then
 * runs the {@link Script} on the connection. The connection lives as long as the script: when the
 * script returns, the server half-closes the connection, gives the client a moment to close its
 * side, and closes it.
 *
 * <p>Frames a script sends before reading anything usually reach the client in the same TCP read
 * as the 101 response. That is a real-world case worth a test of its own: the JDK's WebSocket
 * client can lose 16 KiB socket reads of frames arriving that way (JDK 17 and 25, about one
 * connection in 100 with a frame over 16 KiB; see docs/jdk-defects.md and JdkDefectsTest). A
 * test about something else can have the client speak first.
 *
 * <p>A script that throws fails the test: the server records the failure, and
 * {@link #awaitScripts}, {@link #assertNoScriptFailure} and {@link #close} throw it in the test's
 * thread. Failures after {@code close()} began are ignored, since closing the sockets is what makes
 * blocked scripts throw.
 *
 * <pre>{@code
 * try (ScriptedServer server = ScriptedServer.start(connection -> {
 *     connection.sendTextFrame("hel", false);
 *     connection.sendPing(new byte[0]);
 *     connection.sendContinuation("lo", true);
 *     assertEquals(ScriptedConnection.PONG, connection.readFrame().opcode());
 *     ClientFrame close = connection.readUntil(ScriptedConnection.CLOSE);
 *     connection.sendClose(close.closeCode(), "");
 * })) {
 *     // ... drive the client against server.uri() ...
 *     server.awaitScripts(Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class ScriptedServer implements AutoCloseable {

    /**
     * What the server does on one connection, after the opening handshake. Runs on its own thread;
     * throwing anything fails the test. Each blocking read has a timeout; to hold a connection open
     * while the test works the client, use {@link ScriptedConnection#awaitClientClosed}.
     */
    @FunctionalInterface
    public interface Script {
        void run(ScriptedConnection connection) throws Exception;
    }

    /** Options for the few handshakes that need something other than a plain 101. */
    public static final class Builder {
        private boolean echoFirstSubprotocol;
        private boolean manualHandshake;
        private InetAddress bindAddress;

        private Builder() {
        }

        /**
         * Listens on {@code address} instead of {@code 127.0.0.1}: the fault tests run the server
         * in a network namespace of its own, reached over a veth pair.
         */
        public Builder bindTo(InetAddress address) {
            bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /** Selects the first subprotocol the client offers, if it offers any. */
        public Builder echoFirstSubprotocol() {
            echoFirstSubprotocol = true;
            return this;
        }

        /**
         * Runs the script before any response has been sent, so that it can delay the handshake,
         * refuse it, or answer with a broken 101 through {@link ScriptedConnection#sendRaw}.
         * {@link ScriptedConnection#acceptUpgrade()} sends the standard response.
         */
        public Builder manualHandshake() {
            manualHandshake = true;
            return this;
        }

        /** Starts a server with these options; see {@link ScriptedServer#start(Script)}. */
        public ScriptedServer start(Script script) throws IOException {
            ScriptedServer server = new ScriptedServer(this, script);
            server.acceptor.start();
            return server;
        }
    }

    /** How long a finished script's connection waits for the client to close its side. */
    private static final Duration LINGER = Duration.ofSeconds(5);
    /** How long {@link #close()} waits for the server's threads to end. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Script script;
    private final boolean echoFirstSubprotocol;
    private final boolean manualHandshake;
    private final ServerSocket serverSocket;
    private final Thread acceptor;
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final Queue<Accepted> accepted = new ConcurrentLinkedQueue<>();
    private final Queue<AssertionError> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /** One accepted connection and the thread running its script. */
    private record Accepted(int id, Socket socket, Thread thread, CountDownLatch scriptDone) {
    }

    private ScriptedServer(Builder builder, Script script) throws IOException {
        this.script = Objects.requireNonNull(script, "script");
        this.echoFirstSubprotocol = builder.echoFirstSubprotocol;
        this.manualHandshake = builder.manualHandshake;
        this.serverSocket = new ServerSocket(0, 50,
                builder.bindAddress != null ? builder.bindAddress : InetAddress.getByName("127.0.0.1"));
        this.acceptor = new Thread(this::acceptLoop, "scripted-server-" + serverSocket.getLocalPort());
        acceptor.setDaemon(true);
    }

    /** Starts a server that completes each opening handshake itself, then runs {@code script}. */
    public static ScriptedServer start(Script script) throws IOException {
        return builder().start(script);
    }

    /** For the handshake options; {@link #start(Script)} covers everything else. */
    public static Builder builder() {
        return new Builder();
    }

    /** Where to connect, {@code ws://127.0.0.1:PORT/}; any other path on this port works too. */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + serverSocket.getLocalPort() + "/");
    }

    /** The port this server listens on. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** How many TCP connections the server has accepted so far. */
    public int connectionCount() {
        return connectionCount.get();
    }

    /**
     * Waits for the scripts of all connections accepted so far to return, then fails if any script
     * failed.
     *
     * @param timeout the longest wait for all of them together
     * @throws AssertionError if a script failed, or is still running after {@code timeout}
     */
    public void awaitScripts(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Accepted connection : accepted) {
            long remaining = deadline - System.nanoTime();
            if (!connection.scriptDone().await(Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
                AssertionError stuck = new AssertionError(
                        "script on connection #" + connection.id() + " still running after " + timeout,
                        whereIs(connection.thread()));
                // A failure elsewhere is often why this one is stuck; report it along.
                for (AssertionError failure = failures.poll(); failure != null; failure = failures.poll()) {
                    stuck.addSuppressed(failure);
                }
                throw stuck;
            }
        }
        assertNoScriptFailure();
    }

    /**
     * Fails if a script has failed so far; does not wait. Each failure is reported only once.
     *
     * @throws AssertionError describing the first failure, with any others suppressed
     */
    public void assertNoScriptFailure() {
        AssertionError first = failures.poll();
        if (first == null) {
            return;
        }
        for (AssertionError next = failures.poll(); next != null; next = failures.poll()) {
            first.addSuppressed(next);
        }
        throw first;
    }

    /**
     * Stops accepting, closes every connection, waits a bounded time for the server's threads to
     * end, and then reports script failures not reported yet.
     *
     * @throws AssertionError if a script failed before {@code close()} began
     */
    @Override
    public void close() {
        closed = true;
        closeQuietly(serverSocket);
        for (Accepted connection : accepted) {
            closeQuietly(connection.socket());
            connection.thread().interrupt(); // for scripts waiting on something other than the socket
        }
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        try {
            join(acceptor, deadline);
            for (Accepted connection : accepted) {
                join(connection.thread(), deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the threads are daemons; stop waiting for them
        }
        assertNoScriptFailure();
    }

    private void acceptLoop() {
        while (true) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) {
                    failures.add(new AssertionError("ScriptedServer stopped accepting connections", e));
                }
                return;
            }
            int id = connectionCount.incrementAndGet();
            CountDownLatch scriptDone = new CountDownLatch(1);
            Thread thread = new Thread(() -> serve(id, socket, scriptDone),
                    "scripted-server-" + serverSocket.getLocalPort() + "-connection-" + id);
            thread.setDaemon(true);
            accepted.add(new Accepted(id, socket, thread, scriptDone));
            if (closed) {
                // close() may have looked at the connections just before this one was added.
                closeQuietly(socket);
            }
            thread.start();
        }
    }

    private void serve(int id, Socket socket, CountDownLatch scriptDone) {
        ScriptedConnection connection;
        try {
            connection = new ScriptedConnection(id, socket, echoFirstSubprotocol);
            connection.readUpgradeRequest();
            if (!manualHandshake) {
                connection.acceptUpgrade();
            }
            script.run(connection);
        } catch (Throwable failure) {
            if (!closed) {
                // Also reached when the opening handshake request is unusable, before the script.
                failures.add(new AssertionError("connection #" + id + " failed: " + failure, failure));
            }
            closeQuietly(socket);
            return;
        } finally {
            // Counted down after a failure is recorded, so that awaitScripts() sees the failure.
            scriptDone.countDown();
        }
        connection.finish(LINGER);
    }

    private static void join(Thread thread, long deadline) throws InterruptedException {
        long remaining = deadline - System.nanoTime();
        if (remaining > 0) {
            TimeUnit.NANOSECONDS.timedJoin(thread, remaining);
        }
    }

    private static Throwable whereIs(Thread thread) {
        Throwable where = new Throwable("stack of " + thread.getName());
        where.setStackTrace(thread.getStackTrace());
        return where;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing is best effort; the socket is unusable either way.
        }
    }
}
