package dev.framewire.testing;

import dev.framewire.FrameSocket;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One client connection shared by the tries of a property test: connecting costs far more than a
 * try, so a try runs on the connection the try before it used. A try that fails leaves the
 * connection in a state no later try can trust (half a message sent, frames still on their way),
 * so the connection is then dropped and the next try opens a fresh one. A failing property
 * therefore still shrinks on clean connections.
 *
 * <p>Against its {@link RecordingPeer}, each try gets the server side of its connection too, and
 * {@link #endTry} checks that the client sent nothing more than what the try read.
 */
public final class PeerSession implements AutoCloseable {

    /** The body of one try. */
    @FunctionalInterface
    public interface Try {
        /**
         * @param client the open connection
         * @param server its server side, or {@code null} against a server that only echoes
         */
        void run(FrameSocket client, RecordingPeer.Connection server) throws Exception;
    }

    /** The client's read timeout: a try waiting for something that never comes fails, not hangs. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final URI uri;
    private final RecordingPeer peer;
    private final Supplier<FrameSocket.Builder> options;
    private FrameSocket client;
    private RecordingPeer.Connection server;
    private long endMarks;

    private PeerSession(URI uri, RecordingPeer peer, Supplier<FrameSocket.Builder> options) {
        this.uri = uri;
        this.peer = peer;
        this.options = options;
    }

    /**
     * Connections to a {@link RecordingPeer} of the session's own, each made by a builder from
     * {@code options}; {@link #close()} stops the peer too.
     */
    public static PeerSession recording(Supplier<FrameSocket.Builder> options) throws IOException {
        RecordingPeer peer = RecordingPeer.start();
        return new PeerSession(peer.uri(), peer, options);
    }

    /** Connections to an echo server that records nothing, such as {@link JettyEchoServer}. */
    public static PeerSession on(URI echo, Supplier<FrameSocket.Builder> options) {
        return new PeerSession(echo, null, options);
    }

    /** {@return a builder with the settings every property test wants} */
    public static FrameSocket.Builder defaults() {
        return FrameSocket.newBuilder().readTimeout(READ_TIMEOUT).closeTimeout(Duration.ofMillis(500));
    }

    /**
     * Runs one try on the shared connection, connecting first if there is none (or it ended).
     * Anything the try throws drops the connection before it propagates.
     */
    public void run(Try body) throws Exception {
        Objects.requireNonNull(body, "body");
        if (client == null || !client.isOpen()) {
            drop();
            client = options.get().connect(uri);
            server = peer == null ? null : peer.accepted();
        }
        if (server != null) {
            server.forgetRecorded();
        }
        try {
            body.run(client, server);
        } catch (Throwable failed) {
            drop();
            throw failed;
        }
    }

    /**
     * Checks that the client sent nothing after what the try read: sends a Ping with a payload of
     * its own and expects it to be the next frame the server receives.
     */
    public void endTry(FrameSocket client, RecordingPeer.Connection server) throws Exception {
        byte[] mark = ("end of try " + ++endMarks).getBytes(StandardCharsets.UTF_8);
        client.sendPing(ByteBuffer.wrap(mark));
        server.expectOnlyPing(mark);
    }

    private void drop() {
        if (client != null) {
            client.abort();
            client = null;
            server = null;
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (peer != null) {
            peer.close();
        }
    }
}
