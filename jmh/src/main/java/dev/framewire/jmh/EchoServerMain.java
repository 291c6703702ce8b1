package dev.framewire.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The echo server every benchmark talks to: embedded Jetty 12 on {@code 127.0.0.1}, an ephemeral
 * port, run in a JVM of its own (see {@link EchoServerProcess}) so that its work does not land in
 * the client's JIT profile, allocation counters or heap.
 *
 * <p>Two endpoints:
 * <ul>
 *   <li>{@value #MESSAGE_PATH}: echoes each whole message as one frame. What every latency and
 *       throughput benchmark uses: each client gets the same bytes back however its library cut
 *       the message into frames on the way out.</li>
 *   <li>{@value #FRAME_PATH}: echoes each frame as it arrives, with the same type and FIN flag (a
 *       copy of the test tree's {@code JettyEchoServer}), for the sample's fragments-and-ping path.</li>
 * </ul>
 *
 * <p>No extension is negotiated: OkHttp offers permessage-deflate by default and Jetty would accept
 * it, which would have one client compress while the others do not. Messages and frames up to
 * 64 MiB are accepted (Jetty's default is 64 KiB).
 *
 * <p>Prints {@code PORT=<n>} on standard output once it listens, then runs until its standard
 * input ends, so it goes away with the JVM that started it even if that JVM is killed.
 *
 * <pre>java -cp benchmarks.jar dev.framewire.jmh.EchoServerMain [--selectors N]</pre>
 */
public final class EchoServerMain {

    /** Whole-message echo. */
    public static final String MESSAGE_PATH = "/echo";
    /** Frame-by-frame echo. */
    public static final String FRAME_PATH = "/frames";

    static final int MAX_SIZE = 64 * 1024 * 1024;
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);

    private EchoServerMain() {
    }

    public static void main(String[] args) throws Exception {
        int selectors = 1;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--selectors") && i + 1 < args.length) {
                selectors = Integer.parseInt(args[++i]);
            } else {
                throw new IllegalArgumentException("Unknown argument: " + args[i] + " (usage: [--selectors N])");
            }
        }
        QueuedThreadPool threads = new QueuedThreadPool(256, 8);
        threads.setName("echo");
        Server server = new Server(threads);
        // One acceptor; one selector by default, enough for a two-core machine shared with the client.
        ServerConnector connector = new ServerConnector(server, 1, selectors);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(8192); // the scale run opens thousands of connections at once
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(MAX_SIZE);
            container.setMaxBinaryMessageSize(MAX_SIZE);
            container.setMaxFrameSize(MAX_SIZE);
            // Whole frames to the frame echo: otherwise Jetty splits a frame that arrives across
            // several reads, and one frame comes back as many.
            container.setAutoFragment(false);
            container.setIdleTimeout(IDLE_TIMEOUT);
            container.addMapping(MESSAGE_PATH, (request, response, callback) -> {
                response.setExtensions(List.of());
                return new MessageEcho();
            });
            container.addMapping(FRAME_PATH, (request, response, callback) -> {
                response.setExtensions(List.of());
                return new FrameEcho();
            });
        }));
        server.start();
        System.out.println("PORT=" + connector.getLocalPort());
        System.out.flush();

        InputStream in = System.in;
        byte[] sink = new byte[256];
        try {
            while (in.read(sink) >= 0) {
                // Nothing to do: the parent only ever closes the stream.
            }
        } catch (IOException parentGone) {
            // Same as end of stream.
        }
        server.stop();
        System.exit(0);
    }

    /**
     * Echoes whole messages. Auto-demanding, so it keeps reading while echoes wait to be written:
     * a client that pipelines many messages before it reads (the throughput benchmark) cannot
     * deadlock against it.
     */
    public static final class MessageEcho implements Session.Listener.AutoDemanding {
        private volatile Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String message) {
            Session s = session;
            s.sendText(message, Callback.from(() -> { }, failure -> s.disconnect()));
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            // The payload is Jetty's until the callback completes: echo it, then release it.
            session.sendBinary(payload, callback);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // Clients that go away without a Close are normal at the end of a benchmark.
        }
    }

    /**
     * Echoes frame by frame with the same type and FIN flag, reading the next frame only after
     * the previous echo is written (explicit demand). Pings are answered by Jetty itself.
     */
    public static final class FrameEcho implements Session.Listener {
        private volatile Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            session.demand();
        }

        @Override
        public void onWebSocketPartialText(String payload, boolean last) {
            Session s = session;
            s.sendPartialText(payload == null ? "" : payload, last, Callback.from(s::demand, failure -> s.disconnect()));
        }

        @Override
        public void onWebSocketPartialBinary(ByteBuffer payload, boolean last, Callback frameDone) {
            Session s = session;
            ByteBuffer data = payload == null ? ByteBuffer.allocate(0) : payload;
            s.sendPartialBinary(data, last, Callback.from(() -> {
                frameDone.succeed();
                s.demand();
            }, frameDone::fail));
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // As above.
        }
    }
}
