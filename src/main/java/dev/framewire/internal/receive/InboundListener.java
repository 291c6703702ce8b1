package dev.framewire.internal.receive;

import dev.framewire.CloseStatus;
import dev.framewire.Opcode;
import dev.framewire.internal.ConnectionLog;
import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.Durations;
import dev.framewire.internal.Ending;
import dev.framewire.internal.Utf8;

import java.net.ProtocolException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * Turns the JDK's listener calls into {@link Inbound} items in a {@link ReceiveQueue}.
 *
 * <p>Rules this class keeps:
 * <ul>
 *   <li>It never blocks: the JDK may call it on its selector thread (framewire's default client
 *       runs listener calls there directly, to save a thread hand-off per frame).</li>
 *   <li>It copies what the JDK lends it before returning, and returns {@code null} so the JDK
 *       may reuse its buffers at once, with one exception: large parts of a text message that
 *       came in several parts are lent on to the reader while it keeps up ({@link TextPart}),
 *       and the stage returned completes when the reader has copied them.</li>
 *   <li>Every call the JDK counts against demand either enqueues a frame or asks for one more
 *       part at once (a filtered Pong or Ping), so demand never leaks.</li>
 *   <li>The JDK calls it from one thread at a time, in order; {@code continuing} relies on that.</li>
 * </ul>
 */
public final class InboundListener implements WebSocket.Listener {

    /**
     * Text parts are lent on to the reader only while fewer parts than this wait in the queue. A
     * reader that keeps up finds one or two; this leaves room for the five or so parts of a 64 KiB
     * message that arrive in one burst. A backlog beyond it is copied into compact strings, so a
     * slow reader's queue holds about as much memory as without lending (docs/limits.md).
     */
    static final int LEND_WHILE_FEWER_WAITING = 8;

    /**
     * Only parts of at least this many chars are lent. Lending costs two small objects (the part
     * and its stage) and saves a copy of the part only if {@code readMessage} joins it; for a
     * short fragment, or one that {@code readFrame} copies anyway, the copy made here is cheaper.
     */
    static final int LEND_FROM_CHARS = 1024;

    /**
     * A protocol error that the JDK reports before this many payload bytes of data arrived gets a
     * hint at the JDK's greeting loss in its message (docs/jdk-defects.md, "Data lost behind the
     * 101 response").
     *
     * <p>Why a count of bytes and not a time since open: the JDK loses only bytes of the socket
     * read that carried the 101 response (what its HTTP/1.1 code still held when it handed the
     * socket to the WebSocket: at most 3 buffers of {@code jdk.httpclient.bufsize}, 48 KiB by
     * default). Its decoder, having lost its place there, fails within a frame or two: a header
     * read from misplaced bytes nearly always has a reserved bit or an unknown opcode, and one
     * that passes takes at most 64 KiB before the next header (unless its 64-bit length announces
     * more than will ever come, and then no error comes at all). So the failure comes well within
     * the first MiB however loaded the machine, where a time window would stretch and shrink with
     * the load. A protocol error after that much data is the peer's, not this loss.
     */
    public static final long EARLY_FAILURE_BYTES = 1 << 20;

    /** Where the hint points. */
    static final String GREETING_LOSS_PAGE = "docs/jdk-defects.md#data-lost-behind-the-101-response";

    private final ReceiveQueue queue;
    private final ConnectionState state;
    private final PingTracker pings;
    private final boolean pongAutoConsume;
    private final boolean deliverPings;
    private final ConnectionLog tap;
    private final ReceiveCounts counts; // written here only, on listener calls
    private volatile long lastInboundNanos = System.nanoTime(); // written by listener calls, read by the keepalive
    // For the message of an early failure (onError). Like continuing, touched only by listener calls.
    private long openedNanos = System.nanoTime();
    // Inside a message whose first part was delivered. Touched only by listener calls, which the JDK
    // makes one at a time: on its selector thread, a pool thread, or a reader's own thread inside
    // request(n) (which may deliver the next part at once).
    private boolean continuing;

    /**
     * Creates a listener.
     *
     * @param queue           where frames go
     * @param state           the connection's lifecycle, ended here on the peer's Close or a failure
     * @param pings           the Pings framewire sent itself, whose Pongs are consumed here
     * @param pongAutoConsume drop every other Pong too
     * @param deliverPings    deliver Pings (the JDK has answered them already)
     * @param tap             the connection's log
     * @param counts          where what arrives is counted
     */
    public InboundListener(ReceiveQueue queue, ConnectionState state, PingTracker pings,
                           boolean pongAutoConsume, boolean deliverPings, ConnectionLog tap, ReceiveCounts counts) {
        this.queue = queue;
        this.state = state;
        this.pings = pings;
        this.pongAutoConsume = pongAutoConsume;
        this.deliverPings = deliverPings;
        this.tap = tap;
        this.counts = counts;
    }

    /** {@return when anything last arrived from the peer, as {@link System#nanoTime()}} */
    public long lastInboundNanos() {
        return lastInboundNanos;
    }

    /**
     * {@return since when the JDK has been asked for nothing because the reader has not kept up,
     * or 0} ({@link ReceiveQueue#demandWithheldSince()}): meanwhile nothing arrives here, however
     * alive the peer is.
     */
    public long demandWithheldSince() {
        return queue.demandWithheldSince();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        openedNanos = System.nanoTime();
        queue.start(webSocket);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        lastInboundNanos = System.nanoTime();
        // Exact UTF-8 bytes for stats(), and for onError's early-failure hint: one pass over the chars.
        counts.dataPart(Utf8.encodedLength(data), last);
        boolean wholeMessage = !continuing && last;
        Opcode opcode = nextDataOpcode(Opcode.TEXT, last);
        tap.receivedText(opcode, last, data);
        if (wholeMessage) { // the common case: one copy, which readMessage returns as it is
            queue.add(TextPart.copied(opcode, data.toString(), true));
            return null;
        }
        if (data.length() >= LEND_FROM_CHARS && queue.held() < LEND_WHILE_FEWER_WAITING) {
            TextPart part = TextPart.lent(opcode, data, last);
            queue.add(part);
            return part.loanReturned();
        }
        queue.add(TextPart.copied(opcode, data.toString(), last));
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        lastInboundNanos = System.nanoTime();
        counts.dataPart(data.remaining(), last);
        Opcode opcode = nextDataOpcode(Opcode.BINARY, last);
        tap.received(opcode, last, data);
        queue.add(BinaryPart.copyOf(opcode, data, last));
        return null;
    }

    private Opcode nextDataOpcode(Opcode first, boolean last) {
        Opcode opcode = continuing ? Opcode.CONTINUATION : first;
        continuing = !last;
        return opcode;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        lastInboundNanos = System.nanoTime();
        tap.received(Opcode.PING, true, message);
        if (deliverPings) {
            queue.add(ControlFrame.copyOf(Opcode.PING, message));
        } else {
            queue.replenish(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        lastInboundNanos = System.nanoTime();
        tap.received(Opcode.PONG, true, message);
        counts.pong();
        if (pings.answer(message) || pongAutoConsume) {
            queue.replenish(1);
        } else {
            queue.add(ControlFrame.copyOf(Opcode.PONG, message));
        }
        return null;
    }

    /**
     * The peer's Close, or (status 1006) the JDK's report that TCP ended without one. Returning
     * {@code null} lets the JDK answer a real Close at once with the same code.
     */
    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        lastInboundNanos = System.nanoTime();
        boolean local = state.closingLocally();
        if (statusCode == CloseStatus.ABNORMAL_CLOSURE) {
            finish(Ending.withoutClose(local
                    ? "The connection ended without the peer's Close (1006) after this side started closing it"
                    : "The connection was closed by the peer without a Close frame (1006)", null, local));
            return null;
        }
        CloseStatus status = new CloseStatus(statusCode, reason);
        tap.debug("Received Close " + status + (local ? ", the answer to ours" : "; the JDK answers it with the same code"));
        Ending how = new Ending(status, local
                ? "This side closed the connection; the peer answered with Close " + status
                : "The peer closed the connection: " + status, null, local);
        // Ended before the CLOSE is visible, so a reader that takes it finds the ending set.
        if (state.end(how)) {
            queue.add(ControlFrame.close(how));
            queue.end(how);
            pings.failAll(how);
        }
        return null;
    }

    /**
     * A failure the JDK reports: a protocol violation by the peer, an I/O error, or a JDK defect
     * (an {@link InternalError} from {@code TransportImpl.acknowledgeReception} when TCP ends right
     * after a message). All of them end the connection as 1006 with the JDK's error as cause.
     */
    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        boolean local = state.closingLocally();
        String failed = "The connection failed" + (local ? " while this side was closing it: " : ": ") + describe(error);
        long dataReceived = counts.bytes();
        if (error instanceof ProtocolException && dataReceived < EARLY_FAILURE_BYTES) {
            Duration open = Duration.ofNanos(System.nanoTime() - openedNanos);
            failed += String.format(Locale.ROOT, " %s after it opened, %,d bytes of data in; if the server sends more than"
                    + " 16 KiB right behind its 101 response, the likely cause is the JDK losing some of those bytes (%s)",
                    Durations.format(open.truncatedTo(open.toMillis() > 0 ? ChronoUnit.MILLIS : ChronoUnit.MICROS)),
                    dataReceived, GREETING_LOSS_PAGE);
        }
        finish(Ending.withoutClose(failed, error, local));
    }

    /**
     * {@return the JDK's error as {@code toString()} gives it, except that a missing message says
     * so, with the message of its cause if that has one} The JDK reports a protocol violation as
     * a {@code ProtocolException} without a message whose cause describes it ("Unexpected rsv2 bit").
     */
    static String describe(Throwable error) {
        if (error.getMessage() != null) {
            return error.toString();
        }
        Throwable cause = error.getCause();
        return error.getClass().getName() + " (no message from the JDK"
                + (cause != null && cause.getMessage() != null ? "; its cause: " + cause.getMessage() : "") + ")";
    }

    /** Ends the connection from outside the JDK's callbacks (abort, close, timeouts). */
    public void finish(Ending how) {
        if (state.end(how)) {
            tap.debug("Connection ended: " + how.message(), how.cause());
            queue.end(how);
            pings.failAll(how);
        }
    }
}
