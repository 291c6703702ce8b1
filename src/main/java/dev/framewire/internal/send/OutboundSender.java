package dev.framewire.internal.send;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;
import dev.framewire.Opcode;
import dev.framewire.SendTimeoutException;
import dev.framewire.internal.Checks;
import dev.framewire.internal.Completions;
import dev.framewire.internal.ConnectionLog;
import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.Durations;
import dev.framewire.internal.Ending;
import dev.framewire.internal.Utf8;
import dev.framewire.internal.events.ConnectionEvents;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Blocking sends on top of the JDK's asynchronous ones: serialization, fragmentation tracking,
 * deadlines.
 *
 * <p>The JDK allows one outstanding text/binary send and one outstanding ping/pong send, and
 * fails a second with "Send pending". Each kind therefore has a one-permit slot. A send takes
 * the slot, hands the data to the JDK, and the slot is given back when the JDK's future
 * completes, not when the caller stops waiting: a caller that is interrupted or times out can
 * never let the next send collide with one the JDK still holds. The slots are semaphores rather
 * than locks for that reason (they are released on the JDK's thread) and because their waits are
 * interruptible and friendly to virtual threads.
 *
 * <p>Fragmentation: {@code messageInProgress} (guarded by the data slot) is the type of the
 * message whose last frame has not been sent yet, or {@code null}. A text fragment that ends in a
 * high surrogate keeps that char back for the next fragment, because the JDK encodes every call
 * on its own and would reject the half pair.
 *
 * <p>Sends are serialized per message, not per frame: the thread that sends the first frame of a
 * fragmented message with {@code sendFrame} owns the message until its final frame
 * ({@link MessageTurn}). Another thread's data send waits for that, inside the same send timeout
 * as its wait for the data slot, so two threads' fragments never mix into one message on the
 * wire. Control frames take the other slot and still go out between fragments.
 *
 * <p>Buffers: the JDK is handed a big-endian view of the caller's buffer, never the buffer itself
 * ({@link #forJdk}). JDK 17 masks a payload eight bytes at a time in the buffer's own byte order
 * (JDK-8351339, fixed in JDK 25), which corrupts a little-endian buffer on the wire; and a view
 * leaves the caller's position alone while the JDK reads, so the position moves to the limit
 * exactly when a send returns normally.
 *
 * <p>Counting ({@link SendCounts}): each data frame and Ping is counted in its slot as it is
 * handed to the JDK. A send that blocks (for its turn, the slot, or the JDK's write) adds the
 * time it blocked and may record a {@code SendWait} event; a send that does not block reads no
 * clock for it: the slot is tried without waiting first, and a write the JDK finished before
 * returning is not waited for.
 */
public final class OutboundSender {

    private final WebSocket webSocket;
    private final ConnectionState state;
    private final Duration sendTimeout; // null: no deadline
    private final Consumer<Ending> abort; // the connection's abort
    private final ConnectionLog tap;
    private final Semaphore dataSlot = new Semaphore(1);
    private final Semaphore controlSlot = new Semaphore(1);
    private Opcode messageInProgress; // guarded by dataSlot: touched only by the sender holding it
    private char heldHighSurrogate;   // 0 when none; guarded by dataSlot
    private SendStream openStream;    // the open send stream, or null; guarded by dataSlot
    private final MessageTurn turn = new MessageTurn();
    private final SendCounts counts;
    private final ConnectionEvents events;

    /**
     * Creates a sender.
     *
     * @param webSocket      the JDK WebSocket
     * @param state          the connection's lifecycle; sends after the end are refused
     * @param sendTimeout    how long a send may take, or {@code null} for no limit
     * @param abort          aborts the connection when a send times out or fails
     * @param tap            the connection's log
     * @param counts         where what is sent, and how long sends blocked, is counted
     * @param events         the connection's JFR events (a send that blocked)
     */
    public OutboundSender(WebSocket webSocket, ConnectionState state, Duration sendTimeout, Consumer<Ending> abort,
                          ConnectionLog tap, SendCounts counts, ConnectionEvents events) {
        this.webSocket = webSocket;
        this.state = state;
        this.sendTimeout = sendTimeout;
        this.abort = abort;
        this.tap = tap;
        this.counts = counts;
        this.events = events;
        // A thread waiting for another thread's message must not outwait the connection.
        state.ended().whenComplete((ending, failure) -> turn.wakeAll());
    }

    /**
     * Sends a text frame: the first of a message, or a continuation of an unfinished text message.
     *
     * @param wholeMessage the caller sends a whole message ({@code sendText}), which must not
     *                     start inside an unfinished one
     */
    public void sendText(CharSequence text, boolean last, boolean wholeMessage) throws IOException {
        sendText(text, last, wholeMessage, null, SendBuffer.NOTHING);
    }

    /**
     * Sends a text frame for an open send stream (see {@link #openStream}).
     *
     * @param stream     the open stream whose frame this is
     * @param handedOver run once the JDK has the frame: from then on it goes out whatever this throws
     */
    public void streamText(SendStream stream, CharSequence text, boolean last, Runnable handedOver) throws IOException {
        sendText(text, last, false, stream, handedOver);
    }

    private void sendText(CharSequence text, boolean last, boolean wholeMessage, SendStream stream, Runnable handedOver)
            throws IOException {
        sendData(SentFrame.TEXT_FRAME, text.length(), stream, () -> {
            requireFragmentOf(Opcode.TEXT, wholeMessage, stream);
            CharSequence payload = withHeldSurrogate(text, last, wholeMessage);
            tap.sentText(messageInProgress == null ? Opcode.TEXT : Opcode.CONTINUATION, last, payload);
            messageIs(last ? null : Opcode.TEXT, stream);
            counts.dataFrame(Utf8.encodedLength(payload), last);
            CompletableFuture<WebSocket> sent = webSocket.sendText(payload, last);
            handedOver.run();
            return sent;
        });
    }

    /**
     * Checks a text frame for unpaired surrogates, puts a high surrogate held back from the
     * previous frame in front, and holds back a high surrogate at the end of a non-final frame.
     * Runs in the data slot; changes nothing if it throws.
     */
    private CharSequence withHeldSurrogate(CharSequence text, boolean last, boolean wholeMessage) {
        boolean completesHeldPair = heldHighSurrogate != 0 && !wholeMessage;
        if (completesHeldPair) {
            Checks.requireArgument(text.length() > 0 && Character.isLowSurrogate(text.charAt(0)),
                    "The previous text frame ended with a high surrogate (U+%04X); this frame must start"
                            + " with its low surrogate, but starts with %s",
                    (int) heldHighSurrogate, text.length() == 0 ? "nothing" : describeChar(text, 0));
        }
        // The low surrogate that completes a held pair is not unpaired: skip it in the check.
        int from = completesHeldPair ? 1 : 0;
        int unpaired = Utf8.firstUnpairedSurrogate(from == 0 ? text : text.subSequence(from, text.length()), !last);
        if (unpaired != Utf8.NONE) {
            int at = unpaired + from;
            throw new IllegalArgumentException(String.format("Text has an unpaired surrogate at index %d (%s);"
                    + " a high surrogate may end a non-final frame only if the next frame starts with its"
                    + " low surrogate", at, describeChar(text, at)));
        }
        CharSequence payload = text;
        if (completesHeldPair) {
            payload = new StringBuilder(text.length() + 1).append(heldHighSurrogate).append(text);
        }
        char held = 0;
        if (!last && payload.length() > 0 && Character.isHighSurrogate(payload.charAt(payload.length() - 1))) {
            held = payload.charAt(payload.length() - 1);
            payload = payload.subSequence(0, payload.length() - 1);
        }
        heldHighSurrogate = held;
        return payload;
    }

    /**
     * Sends a binary frame: the first of a message, or a continuation of an unfinished binary
     * message. The buffer's remaining bytes are sent; its position moves to its limit.
     */
    public void sendBinary(ByteBuffer data, boolean last, boolean wholeMessage) throws IOException {
        sendBinary(data, last, wholeMessage, null, SendBuffer.NOTHING);
    }

    /**
     * Sends a binary frame for an open send stream (see {@link #openStream}).
     *
     * @param stream     the open stream whose frame this is
     * @param handedOver run once the JDK has the frame: from then on it goes out whatever this throws
     */
    public void streamBinary(SendStream stream, ByteBuffer data, boolean last, Runnable handedOver) throws IOException {
        sendBinary(data, last, false, stream, handedOver);
    }

    private void sendBinary(ByteBuffer data, boolean last, boolean wholeMessage, SendStream stream, Runnable handedOver)
            throws IOException {
        ByteBuffer view = forJdk(data);
        sendData(SentFrame.BINARY_FRAME, view.remaining(), stream, () -> {
            requireFragmentOf(Opcode.BINARY, wholeMessage, stream);
            tap.sent(messageInProgress == null ? Opcode.BINARY : Opcode.CONTINUATION, last, view);
            messageIs(last ? null : Opcode.BINARY, stream);
            counts.dataFrame(view.remaining(), last);
            CompletableFuture<WebSocket> sent = webSocket.sendBinary(view, last);
            handedOver.run();
            return sent;
        });
        consumed(data);
    }

    /**
     * Records the message the frame being started leaves unfinished ({@code null}: none), and
     * who owns it: a stream's frames may come from any thread, a {@code sendFrame} message's
     * only from the thread that started it. Runs in the data slot, just before the JDK call.
     */
    private void messageIs(Opcode unfinished, SendStream stream) {
        messageInProgress = unfinished;
        if (unfinished == null) {
            openStream = null;
            turn.finished();
        } else if (stream == null) {
            turn.ownedBy(Thread.currentThread(), unfinished);
        }
    }

    /**
     * Sends one data frame of {@code length} bytes or chars: waits until no other thread owns an
     * unfinished message and the data slot is free, both within one send timeout, then starts and
     * awaits the send.
     */
    private void sendData(SentFrame what, int length, SendStream stream, SendStart send) throws IOException {
        long deadline = deadline();
        acquireDataTurn(stream, deadline, what, length);
        sendInHeldSlot(dataSlot, what, length, send, deadline);
    }

    /**
     * Takes the data slot at a moment when no other thread owns an unfinished {@code sendFrame}
     * message. A stream's own frames never wait for a turn: while a stream is open no
     * {@code sendFrame} message can be unfinished.
     */
    private void acquireDataTurn(SendStream stream, long deadline, SentFrame what, int length) throws IOException {
        Thread me = Thread.currentThread();
        while (true) {
            acquire(dataSlot, deadline, what, length);
            Thread owner = turn.owner();
            if (stream != null || owner == null || owner == me || state.sendRefusal() != null) {
                return; // the checks that follow in the slot refuse what does not fit
            }
            dataSlot.release();
            long start = System.nanoTime();
            Object event = events.sendWaitBegins();
            try {
                if (!turn.awaitOtherThan(me, sendTimeout == null ? Long.MAX_VALUE : deadline - start,
                        () -> state.sendRefusal() != null)) {
                    throw aborted("Another thread's unfinished " + turn.describe() + " was not finished within "
                            + Durations.format(sendTimeout) + ", so this send could not start");
                }
            } catch (InterruptedException e) {
                throw interrupted("waiting for another thread to finish its " + turn.describe());
            } finally {
                waited(start, event, what, length, "turn");
            }
        }
    }

    /**
     * A send blocked from {@code start} until now: counts the time, and ends its {@code SendWait}
     * event (recorded if it is longer than the event's threshold).
     *
     * @param waitedFor {@code slot}, {@code turn} or {@code write}
     */
    private void waited(long start, Object event, SentFrame what, int length, String waitedFor) {
        counts.waited(System.nanoTime() - start);
        events.sendWaitEnds(event, what.toString(), length, waitedFor);
    }

    /**
     * The view of {@code callers} the JDK is handed: the same bytes, big-endian. JDK 17 masks
     * eight bytes at a time in the source buffer's own order and writes them big-endian, so a
     * little-endian buffer of eight bytes or more reached the peer reordered (JDK-8351339). A
     * duplicate costs no copy, keeps read-only and direct buffers what they are, and leaves the
     * caller's position untouched until the send has returned.
     */
    static ByteBuffer forJdk(ByteBuffer callers) {
        return callers.duplicate().order(ByteOrder.BIG_ENDIAN);
    }

    /** A send of {@code callers} returned normally: its bytes are consumed, as the JDK would have done. */
    private static void consumed(ByteBuffer callers) {
        callers.position(callers.limit());
    }

    /**
     * Opens a send stream: until its last frame, only frames sent with {@code stream} as owner
     * may be data frames. Waits for the data slot like a send (so it honours the send timeout),
     * but sends nothing.
     *
     * @param stream the stream, which owns the message until its last frame
     * @throws IllegalStateException if a message or another stream is unfinished
     */
    public void openStream(SendStream stream) throws IOException {
        acquireDataTurn(null, deadline(), stream.frames(), 0);
        try {
            requireOpen();
            if (openStream != null) {
                throw new IllegalStateException("Cannot open " + stream + " while " + openStream + " is open: close() it first");
            }
            if (messageInProgress != null) {
                throw new IllegalStateException("Cannot open " + stream + " inside an unfinished "
                        + (messageInProgress == Opcode.TEXT ? "text" : "binary")
                        + " message: finish it first with sendFrame(…, true)");
            }
            openStream = stream;
        } finally {
            dataSlot.release();
        }
    }

    /** Sends a Ping (payload of at most 125 bytes, checked by the caller). */
    public void sendPing(ByteBuffer payload) throws IOException {
        sendInSlot(controlSlot, SentFrame.PING, payload.remaining(), pingStart(payload));
        consumed(payload);
    }

    private SendStart pingStart(ByteBuffer payload) {
        ByteBuffer view = forJdk(payload);
        return () -> {
            tap.sent(Opcode.PING, true, view);
            counts.ping();
            return webSocket.sendPing(view);
        };
    }

    /** Sends a Pong (payload of at most 125 bytes, checked by the caller). */
    public void sendPong(ByteBuffer payload) throws IOException {
        ByteBuffer view = forJdk(payload);
        sendInSlot(controlSlot, SentFrame.PONG, view.remaining(), () -> {
            tap.sent(Opcode.PONG, true, view);
            return webSocket.sendPong(view);
        });
        consumed(payload);
    }

    /**
     * Sends a Ping for {@code ping(Duration)}, waiting at most {@code timeoutNanos} for it to be
     * written. Running out of time is not a send failure here: the caller reports a missing Pong
     * and the connection stays open (the Ping still goes out when the peer reads again).
     *
     * @return {@code false} if the Ping could not be written in time
     */
    public boolean sendPingWithin(ByteBuffer payload, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        int length = payload.remaining();
        if (Thread.currentThread().isInterrupted() || !controlSlot.tryAcquire()) {
            long start = System.nanoTime();
            Object event = events.sendWaitBegins();
            try {
                if (!controlSlot.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                throw interrupted("waiting to send a Ping");
            } finally {
                waited(start, event, SentFrame.PING, length, "slot");
            }
        }
        CompletableFuture<WebSocket> sent = startInSlot(controlSlot, pingStart(payload));
        long start = sent.isDone() ? 0 : System.nanoTime();
        Object event = start == 0 ? null : events.sendWaitBegins();
        try {
            sent.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            throw interrupted("sending a Ping (the send goes on in the background)", length);
        } catch (ExecutionException e) {
            throw failure(SentFrame.PING, e.getCause());
        } finally {
            if (start != 0) {
                waited(start, event, SentFrame.PING, length, "write");
            }
            releaseWhenDone(sent, controlSlot);
        }
    }

    /**
     * Sends a Ping without waiting for anything, for the keepalive's scheduler thread.
     *
     * @return {@code false} if another Ping or Pong is being sent right now (which keeps the
     * connection busy anyway), or the connection has ended
     */
    public boolean trySendPing(ByteBuffer payload) {
        if (state.sendRefusal() != null || !controlSlot.tryAcquire()) {
            return false;
        }
        ByteBuffer view = forJdk(payload);
        tap.sent(Opcode.PING, true, view);
        counts.ping();
        releaseWhenDone(webSocket.sendPing(view), controlSlot);
        return true;
    }

    /** Starts one send inside a slot: checks, state changes and the JDK call. */
    @FunctionalInterface
    private interface SendStart {
        CompletableFuture<WebSocket> start();
    }

    /**
     * Takes {@code slot}, starts the send of {@code length} bytes or chars, waits for it, and
     * gives the slot back when the JDK is done with the send: at once if it completed while we
     * waited (the common case, no callback needed), otherwise from the JDK's completion.
     */
    private void sendInSlot(Semaphore slot, SentFrame what, int length, SendStart send) throws IOException {
        long deadline = deadline();
        acquire(slot, deadline, what, length);
        sendInHeldSlot(slot, what, length, send, deadline);
    }

    /** {@link #sendInSlot} once the caller holds {@code slot}. */
    private void sendInHeldSlot(Semaphore slot, SentFrame what, int length, SendStart send, long deadline)
            throws IOException {
        CompletableFuture<WebSocket> sent = startInSlot(slot, send);
        try {
            await(sent, what, length, deadline);
        } finally {
            releaseWhenDone(sent, slot);
        }
    }

    /** Starts a send in the {@code slot} the caller holds; gives the slot back if nothing was started. */
    private CompletableFuture<WebSocket> startInSlot(Semaphore slot, SendStart send) throws IOException {
        try {
            requireOpen();
            return send.start();
        } catch (IOException | RuntimeException | Error refused) {
            slot.release();
            throw refused;
        }
    }

    /** Gives {@code slot} back once the JDK is done with {@code sent}: at once if it already is. */
    private static void releaseWhenDone(CompletableFuture<WebSocket> sent, Semaphore slot) {
        if (sent.isDone()) {
            slot.release();
        } else {
            sent.whenComplete((ws, failure) -> slot.release());
        }
    }

    /**
     * Starts the closing handshake (code and reason checked by the caller) and waits until the
     * Close is written. The JDK queues a Close beside any send in flight, so no slot is needed;
     * a second Close is refused here.
     */
    public void sendClose(int code, String reason) throws IOException {
        CompletableFuture<WebSocket> sent = startClose(new CloseStatus(code, reason));
        await(sent, SentFrame.CLOSE, (int) (2 + Utf8.encodedLength(reason)), deadline()); // the code's two bytes, then the reason
    }

    /**
     * Sends the connection's one Close without waiting for it to be written, for callers that
     * bound the whole closing handshake themselves ({@code close()}, a message too large).
     *
     * @return the JDK's future for the Close
     * @throws ConnectionClosedException if the connection has ended or a Close was sent already
     */
    public CompletableFuture<WebSocket> startClose(CloseStatus status) throws IOException {
        if (!state.claimClose(status)) {
            throw state.sendRefusal();
        }
        tap.debug("Sending Close " + status);
        turn.wakeAll(); // nothing more may be sent: a thread waiting for its turn gets the refusal
        return webSocket.sendClose(status.code(), status.reason());
    }

    private void requireOpen() throws IOException {
        IOException refusal = state.sendRefusal();
        if (refusal != null) {
            throw refusal;
        }
    }

    /**
     * Refuses a data frame that does not fit: one from outside an open send stream, a whole
     * message inside an unfinished one, or a frame of the other type. Runs in the data slot.
     */
    private void requireFragmentOf(Opcode type, boolean wholeMessage, SendStream stream) {
        if (openStream != null && openStream != stream) {
            throw new IllegalStateException("Cannot send while " + openStream
                    + " is open: close() it first (Ping, Pong and Close may be sent meanwhile)");
        }
        if (messageInProgress == null || stream != null) {
            return;
        }
        String unfinished = messageInProgress == Opcode.TEXT ? "text" : "binary";
        String finish = messageInProgress == Opcode.TEXT ? "sendFrame(text, true)" : "sendFrame(bytes, true)";
        String what = type == Opcode.TEXT ? "text" : "binary";
        if (wholeMessage) {
            throw new IllegalStateException("Cannot send a whole " + what + " message"
                    + " inside an unfinished " + unfinished + " message: finish it first with " + finish);
        }
        if (messageInProgress != type) {
            throw new IllegalStateException("Cannot send a " + what + " frame"
                    + " inside an unfinished " + unfinished + " message: finish it first with " + finish);
        }
    }

    /**
     * {@return when a send that starts now must be done}, as a {@link System#nanoTime()}: one send
     * timeout covers the wait for its turn, for the slot and for the JDK's write together, so a
     * send never takes longer than the timeout in all (ignored without a send timeout)
     */
    private long deadline() {
        return sendTimeout == null ? 0 : System.nanoTime() + Checks.toNanosSaturated(sendTimeout);
    }

    /**
     * Takes {@code slot} by {@code deadline} (a {@link System#nanoTime()}; ignored without a send
     * timeout): at once if it is free, the common case, else after a wait that is counted.
     */
    private void acquire(Semaphore slot, long deadline, SentFrame what, int length) throws IOException {
        // An interrupted thread goes the blocking way, which throws at once, as it always did.
        if (!Thread.currentThread().isInterrupted() && slot.tryAcquire()) {
            return;
        }
        long start = System.nanoTime();
        Object event = events.sendWaitBegins();
        try {
            if (sendTimeout == null) {
                slot.acquire();
            } else if (!slot.tryAcquire(Math.max(0, deadline - start), TimeUnit.NANOSECONDS)) {
                throw timedOut("the previous send");
            }
        } catch (InterruptedException e) {
            throw interrupted("waiting to send");
        } finally {
            waited(start, event, what, length, "slot");
        }
    }

    /**
     * Waits, until {@code deadline}, for a send the JDK has. Interrupted, it throws
     * {@link InterruptedIOException} with {@code bytesTransferred} set to {@code length}: the JDK
     * goes on sending all of it.
     */
    private void await(CompletableFuture<WebSocket> sent, SentFrame what, int length, long deadline) throws IOException {
        long start = sent.isDone() ? 0 : System.nanoTime(); // done: the JDK wrote it before returning
        Object event = start == 0 ? null : events.sendWaitBegins();
        try {
            if (sendTimeout == null) {
                sent.get();
            } else {
                sent.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            throw interrupted("sending a " + what + " (the send goes on in the background)", length);
        } catch (TimeoutException e) {
            throw timedOut("a " + what);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        } finally {
            if (start != 0) {
                waited(start, event, what, length, "write");
            }
        }
    }

    private IOException failure(SentFrame what, Throwable failure) {
        Throwable cause = Completions.unwrap(failure);
        if (cause instanceof IllegalArgumentException iae) {
            throw new IllegalArgumentException(iae.getMessage(), iae);
        }
        if (cause instanceof IllegalStateException ise) {
            throw new IllegalStateException(ise.getMessage(), ise);
        }
        // The JDK fails a send only when the connection is unusable. If it has ended already (say,
        // the peer's Close came first and the JDK is answering it), leave the JDK to finish.
        Ending ending = state.ending();
        if (ending == null) {
            // This side's Close may have reached the JDK between this send's requireOpen() and its
            // start (the Close takes no slot), and the JDK refused the send because its output is
            // closed. That is the refusal any send after a Close gets, not a broken connection:
            // aborting here would cut this side's closing handshake off as 1006 blamed on the peer
            // (found by jcstress, CloseVersusSendStress). Whoever sent the Close bounds the handshake.
            // The Close's own failure is not such a refusal: it still aborts.
            ConnectionClosedException afterClose = what == SentFrame.CLOSE ? null : state.sendRefusal();
            if (afterClose != null) {
                return afterClose;
            }
            abort.accept(Ending.dropped("Sending a " + what + " failed: " + cause, cause));
            ending = state.ending();
        }
        return new ConnectionClosedException(ending.status(), ending.message(),
                ending.cause() != null ? ending.cause() : cause, ending.local());
    }

    private SendTimeoutException timedOut(String what) {
        return aborted("Sending " + what + " did not complete within " + Durations.format(sendTimeout)
                + " (is the peer reading?)");
    }

    /** The send timeout ran out ({@code why}): the connection is aborted, as the timeout promises. */
    private SendTimeoutException aborted(String why) {
        String message = why + "; the connection was aborted";
        abort.accept(Ending.localAbort(message, null));
        return new SendTimeoutException(message, sendTimeout);
    }

    /** Interrupted before the JDK had anything of the send: nothing of it goes out. */
    private static InterruptedIOException interrupted(String what) {
        return interrupted(what, 0);
    }

    /**
     * Interrupted; keeps the interrupt status.
     *
     * @param handedOver the bytes (chars for text) of the send the JDK has and goes on sending
     */
    private static InterruptedIOException interrupted(String what, int handedOver) {
        Thread.currentThread().interrupt();
        InterruptedIOException interrupted = new InterruptedIOException("Interrupted while " + what);
        interrupted.bytesTransferred = handedOver;
        return interrupted;
    }

    private static String describeChar(CharSequence text, int index) {
        return String.format("U+%04X", (int) text.charAt(index));
    }
}
