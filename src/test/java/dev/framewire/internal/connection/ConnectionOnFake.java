package dev.framewire.internal.connection;

import dev.framewire.CloseStatus;
import dev.framewire.internal.ConnectionLog;
import dev.framewire.internal.events.ConnectionEvents;
import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.Ending;
import dev.framewire.internal.receive.InboundListener;
import dev.framewire.internal.receive.InboundReader;
import dev.framewire.internal.receive.MessageAssemblerTest;
import dev.framewire.internal.receive.PingTracker;
import dev.framewire.internal.receive.ReceiveQueue;
import dev.framewire.internal.send.OutboundSender;
import dev.framewire.testing.FakeWebSocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;

/**
 * The real lifecycle owner, {@link Connection}, opened on a {@link FakeWebSocket} instead of the
 * JDK's: the test delivers frames to the listener the connection handed to its opener (as the
 * JDK would get it), and watches the parts the connection wired. {@link #close} and
 * {@link #abort} are the connection's own; the close timeout is a millisecond, so a close whose
 * peer does not answer aborts at once.
 */
public final class ConnectionOnFake {

    /** A log for tests that build a single flow by hand. */
    public static final ConnectionLog LOG = new ConnectionLog(URI.create("ws://127.0.0.1/"));
    /** The JFR events of white-box tests' flows: those of {@link #LOG}'s connection. */
    public static final ConnectionEvents EVENTS = new ConnectionEvents(LOG.tag(), URI.create("ws://127.0.0.1/"));

    public final FakeWebSocket ws = new FakeWebSocket().autoComplete(true);
    public final Connection<MessageAssemblerTest.Part, Object> connection;
    public final InboundListener listener;
    public final ConnectionState state;
    public final ReceiveQueue queue;
    public final PingTracker pings;
    public final OutboundSender sender;
    public final InboundReader<MessageAssemblerTest.Part, Object> reader;

    public ConnectionOnFake(int capacity, boolean pongAutoConsume, boolean deliverPings, long maxMessageSize) {
        Settings settings = new Settings(Settings.DEFAULTS.headers(), Settings.DEFAULTS.subprotocols(),
                Settings.DEFAULTS.connectTimeout(), null, null, Duration.ofMillis(1), pongAutoConsume, deliverPings,
                Math.toIntExact(maxMessageSize), capacity, null, null, null, Duration.ZERO);
        InboundListener[] opened = new InboundListener[1];
        try {
            connection = new Connection<>(settings, URI.create("ws://127.0.0.1/"), MessageAssemblerTest.RESULTS,
                    (listener, log) -> open(listener, opened));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        listener = opened[0];
        state = connection.state();
        queue = connection.queue();
        pings = connection.pings();
        sender = connection.sender();
        reader = connection.reader();
    }

    /** With the defaults: Pongs consumed, Pings not delivered. */
    public ConnectionOnFake(int capacity, long maxMessageSize) {
        this(capacity, true, false, maxMessageSize);
    }

    /** What the JDK does when the handshake completes: the listener learns of the WebSocket. */
    private WebSocket open(WebSocket.Listener listener, InboundListener[] opened) {
        opened[0] = (InboundListener) listener;
        listener.onOpen(ws);
        return ws;
    }

    /** {@code FrameSocket.abort()}'s and every internal caller's abort: the connection's own. */
    public void abort(Ending how) {
        connection.abort(how);
    }

    /** {@code FrameSocket.close()}: the connection's own, whose peer aborts after a millisecond unless it answered. */
    public void close() {
        connection.close(new CloseStatus(CloseStatus.NORMAL_CLOSURE, ""));
    }

    /** {@return what the queue holds plus the demand the JDK still owes} */
    public long heldPlusOutstanding() {
        return queue.held() + ws.outstanding();
    }
}
