package dev.framewire.internal.connection;

import dev.framewire.CloseStatus;
import dev.framewire.internal.ConnectionLog;
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
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One connection's internals wired as {@code FrameSocket} wires them, on a {@link FakeWebSocket}
 * instead of the JDK's: the listener is opened at once, so the queue's demand is requested.
 * {@link #abort} and {@link #close} do what the facade's {@code abortWith} and {@code close()}
 * do, without the wait for the peer's Close.
 */
public final class Wiring {

    public static final ConnectionLog TAP = new ConnectionLog(URI.create("ws://127.0.0.1/"));

    public final ConnectionState state = new ConnectionState();
    public final FakeWebSocket ws = new FakeWebSocket().autoComplete(true);
    public final ReceiveQueue queue;
    public final PingTracker pings = new PingTracker();
    public final InboundListener listener;
    public final OutboundSender sender;
    public final InboundReader<MessageAssemblerTest.Part, Object> reader;
    public final List<Ending> aborts = new CopyOnWriteArrayList<>();

    public Wiring(int capacity, boolean pongAutoConsume, boolean deliverPings, long maxMessageSize) {
        queue = new ReceiveQueue(capacity, state);
        listener = new InboundListener(queue, state, pings, pongAutoConsume, deliverPings, TAP);
        sender = new OutboundSender(ws, state, null, this::abort, TAP);
        reader = new InboundReader<>(queue, state, sender, MessageAssemblerTest.RESULTS, null, maxMessageSize);
        listener.onOpen(ws);
    }

    /** With the defaults: Pongs consumed, Pings not delivered. */
    public Wiring(int capacity, long maxMessageSize) {
        this(capacity, true, false, maxMessageSize);
    }

    /** As {@code FrameSocket.abortWith}. */
    public void abort(Ending how) {
        aborts.add(how);
        listener.finish(how);
        ws.abort();
    }

    /**
     * As {@code FrameSocket.close()} when the peer's Close does not come: the first steps, then the
     * last. If a test already made the first steps (the phase is CLOSING: a close() in progress on
     * another thread), only the last ones are left, as that close() would make them.
     */
    public void close() {
        if (state.advance(ConnectionState.Phase.OPEN, ConnectionState.Phase.CLOSING) != null) {
            queue.discardAll();
            try {
                sender.startClose(new CloseStatus(1000, ""));
            } catch (IOException closingAlready) {
                // A Close went out before, or the connection ended.
            }
        } else if (state.phase() == ConnectionState.Phase.CLOSED) {
            return;
        }
        if (state.ending() == null) {
            abort(Ending.localAbort("closed in a test", null));
        }
        state.advance(ConnectionState.Phase.CLOSING, ConnectionState.Phase.CLOSED);
        reader.dropHeldParts();
    }

    /** {@return what the queue holds plus the demand the JDK still owes} */
    public long heldPlusOutstanding() {
        return queue.held() + ws.outstanding();
    }
}
