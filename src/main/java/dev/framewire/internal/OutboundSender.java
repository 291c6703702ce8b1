package dev.framewire.internal;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;
import dev.framewire.Opcode;
import dev.framewire.SendTimeoutException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
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
 */
public final class OutboundSender {

    private static final String CLOSE = "Close"; // what a Close is called in messages, and how failure() tells it apart

    private final WebSocket webSocket;
    private final ConnectionState state;
    private final Duration sendTimeout; // null: no deadline
    private final Consumer<Ending> abort;
    private final WireTap tap;
    private final Semaphore dataSlot = new Semaphore(1);
    private final Semaphore controlSlot = new Semaphore(1);
    private Opcode messageInProgress; // guarded by dataSlot: touched only by the sender holding it
    private char heldHighSurrogate;   // 0 when none; guarded by dataSlot
    private Object openStream;        // the open send stream (its toString names it), or null; guarded by dataSlot

    /**
     * Creates a sender.
     *
     * @param webSocket      the JDK WebSocket
     * @param state          the connection's lifecycle; sends after the end are refused
     * @param sendTimeout    how long a send may take, or {@code null} for no limit
     * @param abort          ends the connection when a send times out or fails
     * @param tap            the connection's log
     */
    public OutboundSender(WebSocket webSocket, ConnectionState state, Duration sendTimeout, Consumer<Ending> abort,
                          WireTap tap) {
        this.webSocket = webSocket;
        this.state = state;
        this.sendTimeout = sendTimeout;
        this.abort = abort;
        this.tap = tap;
    }

    /**
     * Sends a text frame: the first of a message, or a continuation of an unfinished text message.
     *
     * @param wholeMessage the caller sends a whole message ({@code sendText}), which must not
     *                     start inside an unfinished one
     */
    public void sendText(CharSequence text, boolean last, boolean wholeMessage) throws IOException {
        sendText(text, last, wholeMessage, null);
    }

    /**
     * Sends a text frame for an open send stream (see {@link #openStream}).
     *
     * @param stream the stream's owner token
     */
    public void streamText(Object stream, CharSequence text, boolean last) throws IOException {
        sendText(text, last, false, stream);
    }

    private void sendText(CharSequence text, boolean last, boolean wholeMessage, Object stream) throws IOException {
        sendInSlot(dataSlot, "text frame", () -> {
            requireFragmentOf(Opcode.TEXT, wholeMessage, stream);
            CharSequence payload = withHeldSurrogate(text, last, wholeMessage);
            tap.sentText(messageInProgress == null ? Opcode.TEXT : Opcode.CONTINUATION, last, payload);
            messageInProgress = last ? null : Opcode.TEXT;
            if (last) {
                openStream = null;
            }
            return webSocket.sendText(payload, last);
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
        sendBinary(data, last, wholeMessage, null);
    }

    /**
     * Sends a binary frame for an open send stream (see {@link #openStream}).
     *
     * @param stream the stream's owner token
     */
    public void streamBinary(Object stream, ByteBuffer data, boolean last) throws IOException {
        sendBinary(data, last, false, stream);
    }

    private void sendBinary(ByteBuffer data, boolean last, boolean wholeMessage, Object stream) throws IOException {
        sendInSlot(dataSlot, "binary frame", () -> {
            requireFragmentOf(Opcode.BINARY, wholeMessage, stream);
            tap.sent(messageInProgress == null ? Opcode.BINARY : Opcode.CONTINUATION, last, data);
            messageInProgress = last ? null : Opcode.BINARY;
            if (last) {
                openStream = null;
            }
            return webSocket.sendBinary(data, last);
        });
    }

    /**
     * Opens a send stream: until its last frame, only frames sent with {@code stream} as owner
     * may be data frames. Waits for the data slot like a send (so it honours the send timeout),
     * but sends nothing.
     *
     * @param stream a token that identifies the stream, and how to name it in messages
     * @throws IllegalStateException if a message or another stream is unfinished
     */
    public void openStream(Object stream) throws IOException {
        acquire(dataSlot);
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
        sendInSlot(controlSlot, "Ping", pingStart(payload));
    }

    private SendStart pingStart(ByteBuffer payload) {
        return () -> {
            tap.sent(Opcode.PING, true, payload);
            return webSocket.sendPing(payload);
        };
    }

    /** Sends a Pong (payload of at most 125 bytes, checked by the caller). */
    public void sendPong(ByteBuffer payload) throws IOException {
        sendInSlot(controlSlot, "Pong", () -> {
            tap.sent(Opcode.PONG, true, payload);
            return webSocket.sendPong(payload);
        });
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
        try {
            if (!controlSlot.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            throw interrupted("waiting to send a Ping");
        }
        CompletableFuture<WebSocket> sent = startInSlot(controlSlot, pingStart(payload));
        try {
            sent.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            throw interrupted("sending a Ping (the send goes on in the background)");
        } catch (ExecutionException e) {
            throw failure("Ping", e.getCause());
        } finally {
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
        tap.sent(Opcode.PING, true, payload);
        releaseWhenDone(webSocket.sendPing(payload), controlSlot);
        return true;
    }

    /** Starts one send inside a slot: checks, state changes and the JDK call. */
    @FunctionalInterface
    private interface SendStart {
        CompletableFuture<WebSocket> start();
    }

    /**
     * Takes {@code slot}, starts the send, waits for it, and gives the slot back when the JDK is
     * done with the send: at once if it completed while we waited (the common case, no callback
     * needed), otherwise from the JDK's completion.
     */
    private void sendInSlot(Semaphore slot, String what, SendStart send) throws IOException {
        acquire(slot);
        CompletableFuture<WebSocket> sent = startInSlot(slot, send);
        try {
            await(sent, what);
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
        state.advance(ConnectionState.Phase.OPEN, ConnectionState.Phase.CLOSE_SENT);
        await(sent, CLOSE);
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
    private void requireFragmentOf(Opcode type, boolean wholeMessage, Object stream) {
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

    private void acquire(Semaphore slot) throws IOException {
        try {
            if (sendTimeout == null) {
                slot.acquire();
            } else if (!slot.tryAcquire(Checks.toNanosSaturated(sendTimeout), TimeUnit.NANOSECONDS)) {
                throw timedOut("the previous send");
            }
        } catch (InterruptedException e) {
            throw interrupted("waiting to send");
        }
    }

    private void await(CompletableFuture<WebSocket> sent, String what) throws IOException {
        try {
            if (sendTimeout == null) {
                sent.get();
            } else {
                sent.get(Checks.toNanosSaturated(sendTimeout), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            throw interrupted("sending a " + what + " (the send goes on in the background)");
        } catch (TimeoutException e) {
            throw timedOut("a " + what);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        }
    }

    private IOException failure(String what, Throwable failure) {
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
            ConnectionClosedException afterClose = what.equals(CLOSE) ? null : state.sendRefusal();
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
        String message = "Sending " + what + " did not complete within " + Durations.format(sendTimeout)
                + " (is the peer reading?); the connection was aborted";
        abort.accept(Ending.localAbort(message, null));
        return new SendTimeoutException(message, sendTimeout);
    }

    private static InterruptedIOException interrupted(String what) {
        Thread.currentThread().interrupt();
        return new InterruptedIOException("Interrupted while " + what);
    }

    private static String describeChar(CharSequence text, int index) {
        return String.format("U+%04X", (int) text.charAt(index));
    }
}
