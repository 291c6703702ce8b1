package dev.framewire.testing;

import dev.framewire.testkit.SelfSignedCertificate;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A real, independent WebSocket server for tests: embedded Jetty 12 that echoes every frame back as
 * it arrives.
 *
 * <p>It exists so that framewire is tested against an implementation it shares no code with,
 * rather than only against the testkit's {@code ScriptedServer}, whose framing we wrote ourselves.
 * The echo works frame by frame, like the Chilkat echo server: each incoming text or binary frame (including each
 * fragment of a fragmented message) goes back as one frame with the same type and FIN flag, in the
 * same order. That lets a test see that fragments it sent stayed fragments.
 *
 * <p>Behaviour a test can rely on:
 * <ul>
 *   <li>Listens on {@code 127.0.0.1} on an ephemeral port; the endpoint is {@link #uri()}.
 *   <li>{@link #startTls} serves {@code wss://} with a certificate the test provides (see
 *       {@link SelfSignedCertificate}); everything else is the same.
 *   <li>{@link #startHttp2} and {@link #startHttp2Tls} also speak HTTP/2 on the same port (h2c,
 *       or h2 chosen through ALPN) and answer every plain request with 200 and the name of the
 *       protocol it came in ({@link #pageUri()}); the WebSocket endpoint stays HTTP/1.1.
 *   <li>Pings are answered with a Pong carrying the same payload (Jetty does this itself).
 *   <li>A Close from the client is answered with a Close carrying the same code and reason (Jetty
 *       does this itself, too).
 *   <li>Of the subprotocols the client offers, the first one in {@link #SUPPORTED_SUBPROTOCOLS} is
 *       selected; if none is, no subprotocol is selected.
 *   <li>Messages and frames up to {@value #MAX_SIZE} bytes are accepted; the idle timeout is five
 *       minutes, so a test stopped in a debugger does not lose its connection.
 *   <li>The server reads the next frame only after the echo of the previous one has been written
 *       ("explicit demand"). A client that stops reading therefore stops the server from reading
 *       too, as a real peer would, instead of making it queue echoes without bound.
 * </ul>
 *
 * <p>Two Jetty limitations make the echo less than byte-exact; tests that need exact bytes belong
 * on the testkit's {@code ScriptedServer}:
 * <ul>
 *   <li>Jetty hands text frames to the application as strings and holds back a UTF-8 sequence that
 *       is split across two frames until the next frame arrives, so such a character moves to the
 *       later echoed frame. The text of the message and each frame's FIN flag are still preserved.
 *   <li>Jetty drops an empty binary frame that is not the last one of its message before the
 *       application sees it, so it is not echoed. Empty text frames are echoed.
 * </ul>
 */
public final class JettyEchoServer implements AutoCloseable {

    /** The subprotocols this server is willing to speak. */
    public static final Set<String> SUPPORTED_SUBPROTOCOLS = Set.of("chat", "superchat");

    /** Largest message or frame accepted: 64 MiB. Jetty's default of 64 KiB is too small for tests. */
    public static final int MAX_SIZE = 64 * 1024 * 1024;

    private static final String PATH = "/echo";
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Server server;
    private final ServerConnector connector;
    private final boolean tls;
    private final AtomicInteger connectionsOpened = new AtomicInteger();
    private volatile Map<String, List<String>> lastRequestHeaders = Map.of();

    private JettyEchoServer(SslContextFactory.Server sslContextFactory) {
        this(sslContextFactory, "127.0.0.1", false);
    }

    private JettyEchoServer(SslContextFactory.Server sslContextFactory, String host, boolean http2) {
        this.tls = sslContextFactory != null;
        // Daemon threads, so that a forgotten close() cannot keep a JVM (say, a main using this
        // server) alive; close() still stops every thread. Numbered names tell servers apart in
        // a thread dump.
        String name = "jetty-echo-" + INSTANCES.incrementAndGet();
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName(name);
        threads.setDaemon(true);
        server = new Server(threads, new ScheduledExecutorScheduler(name + "-scheduler", true), null);

        // One acceptor and one selector are plenty for tests and kind to a two-core machine.
        if (sslContextFactory == null && !http2) {
            connector = new ServerConnector(server, 1, 1);
        } else if (sslContextFactory == null) {
            HttpConfiguration plain = new HttpConfiguration();
            connector = new ServerConnector(server, 1, 1,
                    new HttpConnectionFactory(plain), new HTTP2CServerConnectionFactory(plain));
        } else {
            HttpConfiguration https = new HttpConfiguration();
            https.addCustomizer(new SecureRequestCustomizer());
            HttpConnectionFactory http1 = new HttpConnectionFactory(https);
            ConnectionFactory[] protocols;
            if (http2) {
                // The JDK's own ALPN (jetty-alpn-java-server): h2 when the client offers it.
                ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
                alpn.setDefaultProtocol(http1.getProtocol());
                protocols = new ConnectionFactory[] {new SslConnectionFactory(sslContextFactory, alpn.getProtocol()),
                    alpn, new HTTP2ServerConnectionFactory(https), http1};
            } else {
                protocols = new ConnectionFactory[] {new SslConnectionFactory(sslContextFactory, "http/1.1"), http1};
            }
            connector = new ServerConnector(server, 1, 1, protocols);
        }
        connector.setHost(host);
        connector.setPort(0);
        server.addConnector(connector);

        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(MAX_SIZE);
            container.setMaxBinaryMessageSize(MAX_SIZE);
            container.setMaxFrameSize(MAX_SIZE);
            // Jetty splits an incoming frame into several when it arrives across several network
            // reads ("auto fragment"), which would turn one frame into many echoed frames. Off, it
            // assembles each frame whole (up to the max frame size) before handing it over.
            container.setAutoFragment(false);
            container.setIdleTimeout(IDLE_TIMEOUT);
            container.addMapping(PATH, this::upgrade);
        });
        if (http2) {
            upgrades.setHandler(new Page());
        }
        server.setHandler(upgrades);
    }

    /**
     * Starts a server.
     *
     * @return the running server; close it when done
     * @throws Exception if Jetty fails to start
     */
    public static JettyEchoServer start() throws Exception {
        return start(new JettyEchoServer(null));
    }

    /**
     * Starts a server like {@link #start()} that listens on {@code host} instead of loopback: the
     * fault tests run it in a network namespace of its own, reached over a veth pair.
     *
     * @param host the address to listen on, such as {@code 0.0.0.0}
     * @return the running server; close it when done
     * @throws Exception if Jetty fails to start
     */
    public static JettyEchoServer startOn(String host) throws Exception {
        return start(new JettyEchoServer(null, host, false));
    }

    /** The port this server listens on. */
    public int port() {
        return connector.getLocalPort();
    }

    /**
     * Starts a server that speaks TLS ({@code wss://}) with the given certificate; otherwise it
     * behaves exactly as one made by {@link #start()}.
     *
     * @param certificate the server's certificate and key, for example from
     *        {@link SelfSignedCertificate#generate}
     * @return the running server; close it when done
     * @throws Exception if Jetty fails to start, or cannot read the key store
     */
    public static JettyEchoServer startTls(SelfSignedCertificate certificate) throws Exception {
        return start(new JettyEchoServer(serverTls(certificate)));
    }

    /**
     * Starts a server like {@link #startTls(SelfSignedCertificate)} that also demands a client
     * certificate (mutual TLS) and accepts only the ones in {@code clientTrustStore}.
     *
     * @param certificate      the server's certificate and key
     * @param clientTrustStore a PKCS12 trust store with the client certificates to accept
     * @param password         that trust store's password
     * @return the running server; close it when done
     * @throws Exception if Jetty fails to start, or cannot read a key store
     */
    public static JettyEchoServer startMutualTls(SelfSignedCertificate certificate, Path clientTrustStore,
            String password) throws Exception {
        SslContextFactory.Server ssl = serverTls(certificate);
        ssl.setNeedClientAuth(true);
        ssl.setTrustStorePath(clientTrustStore.toString());
        ssl.setTrustStoreType("PKCS12");
        ssl.setTrustStorePassword(password);
        return start(new JettyEchoServer(ssl));
    }

    /**
     * Starts a server like {@link #start()} that also speaks HTTP/2 in clear text (h2c, reached by
     * an HTTP/1.1 {@code Upgrade: h2c}) and answers plain requests at {@link #pageUri()}.
     *
     * @return the running server; close it when done
     * @throws Exception if Jetty fails to start
     */
    public static JettyEchoServer startHttp2() throws Exception {
        return start(new JettyEchoServer(null, "127.0.0.1", true));
    }

    /**
     * Starts a server like {@link #startTls(SelfSignedCertificate)} that also speaks HTTP/2 (h2,
     * when the client offers it in ALPN) and answers plain requests at {@link #pageUri()}.
     *
     * @param certificate the server's certificate and key
     * @return the running server; close it when done
     * @throws Exception if Jetty fails to start, or cannot read the key store
     */
    public static JettyEchoServer startHttp2Tls(SelfSignedCertificate certificate) throws Exception {
        return start(new JettyEchoServer(serverTls(certificate), "127.0.0.1", true));
    }

    private static SslContextFactory.Server serverTls(SelfSignedCertificate certificate) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(certificate.keyStore());
        ssl.setKeyStorePassword(certificate.password());
        ssl.setKeyManagerPassword(certificate.password());
        return ssl;
    }

    private static JettyEchoServer start(JettyEchoServer echo) throws Exception {
        try {
            echo.server.start();
        } catch (Exception e) {
            try {
                echo.server.stop(); // whatever did start, such as threads
            } catch (Exception stopFailure) {
                e.addSuppressed(stopFailure);
            }
            throw e;
        }
        return echo;
    }

    /**
     * The WebSocket endpoint, {@code ws://127.0.0.1:PORT/echo}, or {@code wss://…} for a server
     * made by {@link #startTls}.
     */
    public URI uri() {
        return URI.create((tls ? "wss" : "ws") + "://127.0.0.1:" + connector.getLocalPort() + PATH);
    }

    /**
     * A plain page, {@code http://127.0.0.1:PORT/page} or {@code https://…}, for a server made by
     * {@link #startHttp2} or {@link #startHttp2Tls}: 200 with the protocol of the request as text,
     * such as {@code HTTP/2.0}.
     */
    public URI pageUri() {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + connector.getLocalPort() + "/page");
    }

    /**
     * The headers of the most recent upgrade request: case-insensitive names, each with its values
     * in the order received. Recorded before the upgrade response is sent, so it is up to date as
     * soon as the client's handshake has completed. Empty before the first upgrade.
     */
    public Map<String, List<String>> lastRequestHeaders() {
        return lastRequestHeaders;
    }

    /**
     * The first value of one header of the most recent upgrade request.
     *
     * @param name the header name, in any case
     * @return the value, or {@code null} if the header was absent
     */
    public String lastRequestHeader(String name) {
        List<String> values = lastRequestHeaders.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** How many WebSocket upgrades this server has accepted, counted before the 101 is sent. */
    public int connectionsOpened() {
        return connectionsOpened.get();
    }

    /**
     * Stops Jetty, closing every connection and stopping every thread it started. (Jetty lets its
     * scheduler thread finish on its own, a moment after this returns.)
     */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop cleanly", e);
        }
    }

    /** Jetty's WebSocketCreator: runs for each upgrade request before the 101 response is sent. */
    private Object upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response,
            org.eclipse.jetty.util.Callback callback) {
        lastRequestHeaders = copyHeaders(request);
        // The client lists subprotocols in its order of preference, so its order decides.
        request.getSubProtocols().stream()
                .filter(SUPPORTED_SUBPROTOCOLS::contains)
                .findFirst()
                .ifPresent(response::setAcceptedSubProtocol);
        connectionsOpened.incrementAndGet();
        return new FrameEcho();
    }

    private static Map<String, List<String>> copyHeaders(ServerUpgradeRequest request) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getName(), name -> new ArrayList<>()).add(field.getValue());
        }
        headers.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(headers);
    }

    /** Answers every request that is not a WebSocket upgrade with the name of its protocol. */
    private static final class Page extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, org.eclipse.jetty.util.Callback callback) {
            response.setStatus(200);
            response.write(true, ByteBuffer.wrap(request.getConnectionMetaData().getProtocol()
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)), callback);
            return true;
        }
    }

    /**
     * Echoes one connection, frame by frame. Public only because Jetty calls listener methods
     * through method handles, which it cannot do on a non-public class; not meant for tests.
     *
     * <p>Not {@link Session.Listener.AutoDemanding}: each {@code demand()} asks Jetty for exactly one
     * more frame, and we ask only once the previous echo is written. Ping and Pong handlers are
     * deliberately not overridden: Jetty then answers Pings itself and keeps reading after control
     * frames without our demand. Likewise no close handler: Jetty replies to a Close with the same
     * code and reason once it has been delivered.
     */
    public static final class FrameEcho implements Session.Listener {
        // Written by Jetty's thread in onWebSocketOpen, read by the threads completing sends.
        private volatile Session session;

        private FrameEcho() {
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            session.demand();
        }

        @Override
        public void onWebSocketPartialText(String payload, boolean last) {
            Session session = this.session;
            // Jetty has already released the frame; only our demand is still outstanding. A failed
            // write means the connection is unusable, so drop it rather than leave the peer waiting.
            session.sendPartialText(payload == null ? "" : payload, last,
                    Callback.from(session::demand, failure -> session.disconnect()));
        }

        @Override
        public void onWebSocketPartialBinary(ByteBuffer payload, boolean last, Callback frameDone) {
            Session session = this.session;
            // The payload belongs to Jetty until frameDone completes, so it is sent without copying
            // and released only after the echo has been written. Failing frameDone makes Jetty close
            // the session.
            ByteBuffer data = payload == null ? ByteBuffer.allocate(0) : payload;
            session.sendPartialBinary(data, last, Callback.from(() -> {
                frameDone.succeed();
                session.demand();
            }, frameDone::fail));
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // Jetty has already closed (or is closing) the session with a suitable status code,
            // which is what the client under test observes. Overriding this only stops Jetty from
            // logging a warning for every test that deliberately misbehaves or disconnects.
        }
    }
}
