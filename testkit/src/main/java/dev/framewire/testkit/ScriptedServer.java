package dev.framewire.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * A WebSocket server for tests whose every byte is dictated by the test: a scripted server on
 * {@code 127.0.0.1}, on a port of its own, plain or TLS, for the situations no polite server
 * produces (a greeting in the same write as the 101, a frame cut across writes, a Close without
 * status, a connection that drops mid-frame, a peer that stops reading) and for the plain ones.
 * It does not depend on any WebSocket client: test {@code java.net.http}, framewire or any other.
 *
 * <p>For each TCP connection it reads the opening handshake request, answers it as its
 * {@link Handshake} says (by default: accepts the upgrade), and then runs a {@link Script} on a
 * thread of its own. The script of a connection is the next one {@link #enqueue enqueued}, else
 * the server's own. When the script returns, the server half-closes the connection, gives the
 * client a moment to close its side, and closes it.
 *
 * <pre>{@code
 * try (ScriptedServer server = ScriptedServer.start(connection -> {
 *     connection.sendTextFragments("hel", "lo");          // one message in two frames
 *     connection.received().expectText("thanks");         // what the client answered
 *     connection.sendClose(1000, "bye");
 *     connection.received().expectClose(1000);
 * })) {
 *     // ... connect the client under test to server.uri() ...
 *     server.awaitScripts(Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>A script that throws fails the test: the server records the failure, and
 * {@link #awaitScripts}, {@link #assertNoScriptFailure} and {@link #close} throw it in the test's
 * thread. Failures after {@code close()} began are ignored, since closing the sockets is what makes
 * blocked scripts throw. A client that connects and leaves without sending a request (a port
 * probe, a client that refused the certificate) is not a failure.
 *
 * <p>Frames sent right behind the 101, before the client sent anything, usually reach the client in
 * the same TCP read as the response: a real-world case worth a test of its own, since
 * {@code java.net.http} can lose 16 KiB reads of such data ({@link Faults#greetingBurst()}). A test
 * about something else can have the client speak first.
 */
public final class ScriptedServer implements AutoCloseable {

    /** How long a finished script's connection waits for the client to close its side. */
    static final Duration LINGER = Duration.ofSeconds(5);
    /** How long {@link #close()} waits for the server's threads to end. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    /** Connections the kernel queues before the server accepts them: enough for a burst of reconnects. */
    private static final int BACKLOG = 200;

    /**
     * How to start a server: TLS or not, where to listen, and what it does on a connection for
     * which the test enqueued nothing. A builder may start several servers.
     */
    public static final class Builder {
        private Handshake handshake = Handshake.accept();
        private Script script = Script.holdUntilClientCloses();
        private Writes writes = Writes.whole();
        private SelfSignedCertificate certificate;
        private InetAddress bindAddress;
        private boolean requireMasked = true;

        private Builder() {
        }

        /**
         * Answers every opening handshake this way, unless a connection's was enqueued; default {@link Handshake#accept()}.
         *
         * @param handshake how to answer the opening handshake
         * @return this builder
         */
        public Builder handshake(Handshake handshake) {
            this.handshake = Objects.requireNonNull(handshake, "handshake");
            return this;
        }

        /**
         * Runs this script on every connection, unless one was enqueued; default {@link Script#holdUntilClientCloses()}.
         *
         * @param script what the server does on the connection
         * @return this builder
         */
        public Builder script(Script script) {
            this.script = Objects.requireNonNull(script, "script");
            return this;
        }

        /**
         * How each connection's sends meet TCP, the 101 included, until its script says otherwise; default {@link Writes#whole()}.
         *
         * @param writes how sends meet TCP
         * @return this builder
         */
        public Builder writes(Writes writes) {
            this.writes = Objects.requireNonNull(writes, "writes");
            return this;
        }

        /**
         * Serves {@code wss://} with a {@link SelfSignedCertificate} made for this server.
         *
         * @return this builder
         */
        public Builder tls() {
            return tls(SelfSignedCertificate.generate());
        }

        /**
         * Serves {@code wss://} with this certificate, for example one a Jetty server in the same test shares.
         *
         * @param certificate the certificate to present
         * @return this builder
         */
        public Builder tls(SelfSignedCertificate certificate) {
            this.certificate = Objects.requireNonNull(certificate, "certificate");
            return this;
        }

        /**
         * Listens on {@code address} instead of {@code 127.0.0.1}, for example {@code 0.0.0.0} in a
         * network namespace that a test reaches over a veth pair.
         *
         * @param address the address to listen on
         * @return this builder
         */
        public Builder bindTo(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * Lets the client send unmasked frames without failing the read, for testing a client that
         * may not mask; {@link ReceivedFrames#expectEveryFrameMasked()} then judges.
         *
         * @return this builder
         */
        public Builder allowUnmaskedFrames() {
            this.requireMasked = false;
            return this;
        }

        /**
         * {@return a running server with these settings}
         *
         * @throws IOException if the server cannot listen on a port
         */
        public ScriptedServer start() throws IOException {
            ScriptedServer server = new ScriptedServer(this);
            server.acceptor.start();
            return server;
        }

        /**
         * {@return a running server with these settings that runs {@code script} on every connection}
         *
         * @param script what the server does on the connection
         * @throws IOException if the server cannot listen on a port
         */
        public ScriptedServer start(Script script) throws IOException {
            return script(script).start();
        }
    }

    /** What one connection does: how it answers the handshake, and its script. */
    private record Plan(Handshake handshake, Script script) {
    }

    private final Plan defaultPlan;
    private final Writes writes;
    private final boolean requireMasked;
    private final SelfSignedCertificate certificate;
    private final SSLContext serverContext;
    private final ServerSocket serverSocket;
    private final Thread acceptor;
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final Queue<Plan> enqueued = new ConcurrentLinkedQueue<>();
    private final Queue<Accepted> accepted = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<ServerConnection> ready = new LinkedBlockingQueue<>();
    private final Queue<AssertionError> failures = new ConcurrentLinkedQueue<>();
    private volatile HttpClient httpClient;
    private volatile boolean closed;

    /** One accepted connection, the thread running its script, and whether the test dropped it. */
    private record Accepted(int id, Socket socket, Thread thread, CountDownLatch done, AtomicBoolean dropped) {
    }

    private ScriptedServer(Builder builder) throws IOException {
        this.defaultPlan = new Plan(builder.handshake, builder.script);
        this.writes = builder.writes;
        this.requireMasked = builder.requireMasked;
        this.certificate = builder.certificate;
        this.serverContext = certificate != null ? certificate.serverContext() : null;
        this.serverSocket = new ServerSocket(0, BACKLOG,
                builder.bindAddress != null ? builder.bindAddress : InetAddress.getByName("127.0.0.1"));
        this.acceptor = new Thread(this::acceptLoop, "scripted-server-" + serverSocket.getLocalPort());
        acceptor.setDaemon(true);
    }

    /**
     * {@return a builder, for TLS, the handshake, the address, and the rest}
     */
    public static Builder newBuilder() {
        return new Builder();
    }

    /**
     * {@return a running server that accepts every upgrade and runs {@code script} on the connection}
     *
     * @param script what the server does on the connection
     * @throws IOException if the server cannot listen on a port
     */
    public static ScriptedServer start(Script script) throws IOException {
        return newBuilder().start(script);
    }

    /**
     * {@return a running server that answers every opening handshake with {@code handshake}}, and
     * then holds the connection without sending anything more until the client closes it
     *
     * @param handshake how to answer the opening handshake
     * @throws IOException if the server cannot listen on a port
     */
    public static ScriptedServer start(Handshake handshake) throws IOException {
        return newBuilder().handshake(handshake).start();
    }

    /**
     * {@return a running server that echoes on every connection, see {@link ServerConnection#echoUntilClosed()}}
     *
     * @throws IOException if the server cannot listen on a port
     */
    public static ScriptedServer echo() throws IOException {
        return start(Script.echo());
    }

    /** {@return where to connect: {@code ws://127.0.0.1:PORT/}, or {@code wss://} with TLS} Any path works. */
    public URI uri() {
        return uri("/");
    }

    /**
     * {@return where to connect, with this path and query}: the script sees it as
     * {@link ServerConnection#requestTarget()}
     *
     * @throws IllegalArgumentException if {@code pathAndQuery} does not start with {@code /}
     * @param pathAndQuery the request target, such as {@code /chat?room=1}
     */
    public URI uri(String pathAndQuery) {
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with /: \"" + pathAndQuery + '"');
        }
        return URI.create((certificate != null ? "wss" : "ws") + "://"
                + hostForUri() + ":" + serverSocket.getLocalPort() + pathAndQuery);
    }

    private String hostForUri() {
        InetAddress address = serverSocket.getInetAddress();
        if (address.isAnyLocalAddress()) {
            return "127.0.0.1";
        }
        String host = address.getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** {@return the port this server listens on} */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /**
     * {@return a client TLS context that trusts this server's certificate and nothing else}
     *
     * @throws IllegalStateException if the server does not use TLS
     */
    public SSLContext sslContext() {
        return requireTls("sslContext").trustingContext();
    }

    /**
     * {@return the certificate this server presents}
     *
     * @throws IllegalStateException if the server does not use TLS
     */
    public SelfSignedCertificate certificate() {
        return requireTls("certificate");
    }

    /**
     * {@return an {@link HttpClient} to connect with}, made once per server: for TLS one that
     * trusts this server's certificate and nothing else, else a default one
     */
    public HttpClient httpClient() {
        HttpClient client = httpClient;
        if (client == null) {
            synchronized (this) { // made once; nothing waits while holding the lock
                client = httpClient;
                if (client == null) {
                    client = certificate != null ? certificate.trustingHttpClient() : HttpClient.newHttpClient();
                    httpClient = client;
                }
            }
        }
        return client;
    }

    private SelfSignedCertificate requireTls(String method) {
        if (certificate == null) {
            throw new IllegalStateException(method + "() needs a TLS server: ScriptedServer.newBuilder().tls().start(...)");
        }
        return certificate;
    }

    /**
     * Makes the next connection, after those enqueued before, run {@code script} after the server's own handshake.
     *
     * @param script what the server does on the connection
     */
    public void enqueue(Script script) {
        enqueue(defaultPlan.handshake(), script);
    }

    /**
     * Makes the next connection, after those enqueued before, answer its handshake with {@code handshake} and then hold.
     *
     * @param handshake how to answer the opening handshake
     */
    public void enqueue(Handshake handshake) {
        enqueue(handshake, Script.holdUntilClientCloses());
    }

    /**
     * Makes the next connection, after those enqueued before, answer with {@code handshake} and then run {@code script}.
     *
     * @param handshake how to answer the opening handshake
     * @param script what the server does on the connection
     */
    public void enqueue(Handshake handshake, Script script) {
        enqueued.add(new Plan(Objects.requireNonNull(handshake, "handshake"), Objects.requireNonNull(script, "script")));
    }

    /**
     * Forgets the scripts enqueued and not yet taken by a connection.
     */
    public void clearQueue() {
        enqueued.clear();
    }

    /**
     * {@return the server side of the next connection, waiting up to {@link ReceivedFrames#DEFAULT_TIMEOUT}}; see {@link #nextConnection(Duration)}
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public ServerConnection nextConnection() throws InterruptedException {
        return nextConnection(ReceivedFrames.DEFAULT_TIMEOUT);
    }

    /**
     * {@return the server side of the next connection whose handshake was answered}, in the order
     * they were accepted, each once: for a test that works the server side from its own thread,
     * while (or instead of) a script.
     *
     * @throws AssertionError if none came within {@code timeout}
     * @param timeout the longest wait
     * @throws InterruptedException if interrupted while waiting
     */
    public ServerConnection nextConnection(Duration timeout) throws InterruptedException {
        ServerConnection connection = ready.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (connection == null) {
            throw new AssertionError("no connection reached the server within " + timeout
                    + " (" + connectionCount.get() + " accepted so far)");
        }
        return connection;
    }

    /** {@return how many TCP connections the server has accepted so far} */
    public int connectionCount() {
        return connectionCount.get();
    }

    /**
     * Waits for the scripts of all connections accepted so far to return, then fails if any failed.
     *
     * @param timeout the longest wait for all of them together
     * @throws AssertionError if a script failed, or is still running after {@code timeout}
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitScripts(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Accepted connection : accepted) {
            long remaining = deadline - System.nanoTime();
            if (!connection.done().await(Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
                AssertionError stuck = new AssertionError(
                        "the script of connection #" + connection.id() + " is still running after " + timeout,
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
     * Fails if a script has failed so far; does not wait. Each failure is reported once.
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
     * Closes every connection accepted so far, as if the server had crashed, and waits a bounded
     * time for their scripts to end; the server goes on accepting. Failures that the closing causes
     * are ignored; failures before it are reported. The extension calls this after each test of a
     * server that serves the whole class, so that no test inherits another's connections.
     *
     * @throws AssertionError if a script failed before
     */
    public void closeConnections() {
        List<Accepted> open = new ArrayList<>(accepted);
        for (Accepted connection : open) {
            connection.dropped().set(true);
            closeQuietly(connection.socket());
            connection.thread().interrupt();
        }
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        try {
            for (Accepted connection : open) {
                join(connection.thread(), deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        accepted.removeAll(open);
        ready.clear();
        assertNoScriptFailure();
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
                    failures.add(new AssertionError("the ScriptedServer stopped accepting connections", e));
                }
                return;
            }
            int id = connectionCount.incrementAndGet();
            CountDownLatch done = new CountDownLatch(1);
            AtomicBoolean dropped = new AtomicBoolean();
            Thread thread = new Thread(() -> serve(id, socket, done, dropped),
                    "scripted-server-" + serverSocket.getLocalPort() + "-connection-" + id);
            thread.setDaemon(true);
            accepted.add(new Accepted(id, socket, thread, done, dropped));
            if (closed) {
                // close() may have looked at the connections just before this one was added.
                closeQuietly(socket);
            }
            thread.start();
        }
    }

    private void serve(int id, Socket tcp, CountDownLatch done, AtomicBoolean dropped) {
        ServerConnection connection;
        try {
            Socket socket = tcp;
            if (serverContext != null) {
                SSLSocket tls = (SSLSocket) serverContext.getSocketFactory()
                        .createSocket(tcp, tcp.getInetAddress().getHostAddress(), tcp.getPort(), true);
                tls.setUseClientMode(false);
                socket = tls;
            }
            connection = new ServerConnection(id, socket, tcp, writes, requireMasked);
            if (!requestArrived(connection)) {
                closeQuietly(tcp);
                return;
            }
            Plan plan = enqueued.poll();
            plan = plan != null ? plan : defaultPlan;
            if (plan.handshake().kind() != Handshake.Kind.SCRIPTED) {
                connection.answer(plan.handshake());
            }
            ready.add(connection);
            plan.script().run(connection);
        } catch (Throwable failure) {
            if (!closed && !dropped.get()) {
                failures.add(new AssertionError("connection #" + id + " failed: " + failure, failure));
            }
            closeQuietly(tcp);
            return;
        } finally {
            // Counted down after a failure is recorded, so that awaitScripts() sees the failure.
            done.countDown();
        }
        connection.finish(LINGER);
    }

    /** Reads the request; false if the client left before sending any of it, or refused the TLS handshake. */
    private static boolean requestArrived(ServerConnection connection) throws IOException {
        try {
            return connection.readUpgradeRequest();
        } catch (SSLException | SocketException gone) {
            return false;
        }
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
