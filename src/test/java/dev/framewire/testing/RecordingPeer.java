package dev.framewire.testing;

import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.ServerConnection;
import dev.framewire.testkit.WireFrame;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScriptedServer} for tests that use one connection for many checks, as property tests
 * do: each connection's script records every frame the client sends, byte-exact, and the test
 * writes whatever bytes it wants from its own thread with {@link Connection#raw()}.
 *
 * <p>A Close from the client is answered with the same code, and a client that goes away ends the
 * recording quietly: neither is a script failure.
 */
public final class RecordingPeer implements AutoCloseable {

    /** How long a read of the client's next frame waits before it fails. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
    private final ScriptedServer server;

    private RecordingPeer() throws IOException {
        server = ScriptedServer.start(this::record);
    }

    /** Starts a server on an ephemeral port of {@code 127.0.0.1}. */
    public static RecordingPeer start() throws IOException {
        return new RecordingPeer();
    }

    /** Where to connect. */
    public URI uri() {
        return server.uri();
    }

    /**
     * The server side of the next connection the client opened, in the order they were accepted.
     *
     * @throws AssertionError if none was accepted within {@link #WAIT}
     */
    public Connection accepted() throws InterruptedException {
        Connection connection = accepted.poll(WAIT.toNanos(), TimeUnit.NANOSECONDS);
        if (connection == null) {
            throw new AssertionError("no connection accepted within " + WAIT);
        }
        return connection;
    }

    @Override
    public void close() {
        server.close();
    }

    private void record(ServerConnection raw) throws IOException, InterruptedException {
        Connection connection = new Connection(raw);
        accepted.add(connection);
        while (true) {
            ClientFrame frame;
            try {
                frame = raw.readFrame(Duration.ofDays(1)); // the test decides how long it waits
            } catch (IOException gone) {
                connection.frames.add(new Ended(gone));
                return;
            }
            connection.frames.add(frame);
            if (frame.opcode() == WireFrame.CLOSE) {
                connection.frames.add(new Ended(null));
                try {
                    raw.sendClose(frame.closeCode(), "");
                    raw.awaitClientClosed(Duration.ofSeconds(5));
                } catch (IOException gone) {
                    // The client may abort instead of waiting for the answer; either way it is done.
                }
                return;
            }
        }
    }

    /** The end of a recording: the client's Close was answered, or the connection failed. */
    private record Ended(IOException cause) {
    }

    /** The server side of one connection: what the client sent, and a way to send it anything. */
    public static final class Connection {
        private final ServerConnection raw;
        private final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();

        private Connection(ServerConnection raw) {
            this.raw = raw;
        }

        /** For sending frames or any bytes to the client; sends may come from any thread. */
        public ServerConnection raw() {
            return raw;
        }

        /**
         * The next frame the client sent, waiting up to {@link #WAIT}.
         *
         * @throws AssertionError if none came, or the connection ended first
         */
        public ClientFrame next() throws InterruptedException {
            Object next = frames.poll(WAIT.toNanos(), TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new AssertionError("the client sent no frame within " + WAIT);
            }
            if (next instanceof Ended ended) {
                frames.add(ended); // stays ended
                throw new AssertionError("the connection ended instead of another frame", ended.cause());
            }
            return (ClientFrame) next;
        }

        /** The next {@code count} frames the client sent; see {@link #next()}. */
        public List<ClientFrame> next(int count) throws InterruptedException {
            List<ClientFrame> frames = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                frames.add(next());
            }
            return frames;
        }

        /**
         * The frames of the client's next data message, up to the one with FIN, with the control
         * frames it sent in between (and before the message's first frame) in their places.
         */
        public List<ClientFrame> nextMessage() throws InterruptedException {
            List<ClientFrame> frames = new ArrayList<>();
            while (true) {
                ClientFrame frame = next();
                frames.add(frame);
                if (frame.fin() && frame.opcode() < WireFrame.CLOSE) {
                    return frames;
                }
            }
        }

        /** Forgets what was recorded so far, such as the Pongs that answered this side's Pings. */
        public void forgetRecorded() {
            frames.removeIf(frame -> frame instanceof ClientFrame);
        }

        /**
         * Reads frames up to a Ping with {@code payload}, which the test has just had the client
         * send, and fails if anything came before it: the way to check that the client sent
         * nothing more than what was read so far.
         */
        public void expectOnlyPing(byte[] payload) throws InterruptedException {
            List<ClientFrame> before = new ArrayList<>();
            while (true) {
                ClientFrame frame = next();
                if (frame.opcode() == WireFrame.PING && Arrays.equals(frame.payload(), payload)) {
                    if (!before.isEmpty()) {
                        throw new AssertionError("the client sent more than expected: " + before);
                    }
                    return;
                }
                before.add(frame);
            }
        }
    }
}
