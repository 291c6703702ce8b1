package dev.framewire.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A {@link WebSocket} for unit tests of the internals, modelling the JDK's contract where the code
 * under test relies on it:
 * <ul>
 *   <li><b>Demand.</b> It counts what {@link #request} asked for and what was delivered through
 *       its {@code deliver…} methods, which call the listener as the JDK does. Delivering a text,
 *       binary, Ping, Pong or Close without outstanding demand fails the test: the JDK never does
 *       it. A connection that drops (1006) and {@link #deliverError errors} need no demand.</li>
 *   <li><b>Sends.</b> Each send is recorded with its arguments and returns a future that the test
 *       completes or fails by hand ({@link Send}), unless {@link #autoComplete} is set. Like the
 *       JDK, a second text/binary send (or Ping/Pong send) while one of its kind is incomplete
 *       fails with "Send pending"; such overlaps are counted so a test can assert there were none.</li>
 *   <li><b>Buffers.</b> A binary, Ping or Pong payload is read as JDK 17's encoder reads it: eight
 *       bytes at a time in the buffer's own byte order, written big-endian (JDK-8351339), and the
 *       buffer is consumed (its position moves to its limit). So {@link Send#bytes} is what the
 *       peer would receive from a JDK with that defect, and {@link Send#order} the order handed over.</li>
 *   <li>{@link #abort()} and {@code sendClose} are recorded and close output (and input, for an
 *       abort); an abort fails the pending sends.</li>
 * </ul>
 * Sends may come from several threads; deliveries come from the test thread, one at a time, as
 * the JDK's are.
 */
public final class FakeWebSocket implements WebSocket {

    /** What a send was. */
    public enum Kind {
        TEXT, BINARY, PING, PONG, CLOSE;

        public boolean isData() {
            return this == TEXT || this == BINARY;
        }
    }

    /** One send the code under test started, with the future the test completes. */
    public final class Send {
        public final Kind kind;
        public final String text;   // TEXT, or a Close's reason
        public final byte[] bytes;  // BINARY, PING, PONG: what the peer would receive
        public final ByteOrder order; // BINARY, PING, PONG: the order of the buffer handed over
        public final boolean last;
        public final int code;      // CLOSE
        public final CompletableFuture<WebSocket> future = new CompletableFuture<>();

        public Send(Kind kind, String text, ByteBuffer payload, boolean last, int code) {
            this.kind = kind;
            this.text = text;
            this.order = payload == null ? null : payload.order();
            this.bytes = payload == null ? null : asJdk17Writes(payload);
            this.last = last;
            this.code = code;
        }

        /** The JDK wrote it. */
        public void complete() {
            future.complete(FakeWebSocket.this);
        }

        /** The JDK failed to write it. */
        public void fail(Throwable failure) {
            future.completeExceptionally(failure);
        }

        public boolean pending() {
            return !future.isDone();
        }

        @Override
        public String toString() {
            return kind + (text != null ? " \"" + text + "\"" : "") + (bytes != null ? " " + bytes.length + " bytes" : "")
                    + (kind.isData() ? (last ? " last" : " more") : "") + (kind == Kind.CLOSE ? " " + code : "");
        }
    }

    private final List<Send> sends = new ArrayList<>();
    private long requested;
    private long delivered;
    private int overlappingSends;
    private boolean autoComplete;
    private Runnable whenRequested;
    private boolean aborted;
    private boolean inputClosed;
    private boolean outputClosed;

    /** Makes every later send complete at once, as a JDK with room in its socket buffer does. */
    public synchronized FakeWebSocket autoComplete(boolean on) {
        autoComplete = on;
        return this;
    }

    // ---- demand ----

    @Override
    public void request(long n) {
        Runnable hook;
        synchronized (this) {
            if (n <= 0) {
                fail("request(" + n + "): the JDK would fail the connection");
            }
            requested += n;
            hook = whenRequested;
        }
        if (hook != null) {
            hook.run();
        }
    }

    /**
     * Runs {@code hook} after every {@code request(n)}, on the caller's thread: the JDK may deliver
     * the next part right inside {@code request}, on the reader's own thread.
     */
    public synchronized void whenRequested(Runnable hook) {
        whenRequested = hook;
    }

    /** {@return all demand ever requested} */
    public synchronized long requested() {
        return requested;
    }

    /** {@return demand requested and not yet used by a delivery} */
    public synchronized long outstanding() {
        return requested - delivered;
    }

    private synchronized void takeDemand(String what) {
        if (inputClosed) {
            fail("the JDK delivers nothing after the input closed (" + what + ")");
        }
        if (requested - delivered <= 0) {
            fail("the JDK never delivers without demand, but " + what + " was delivered with none outstanding");
        }
        delivered++;
    }

    // ---- deliveries, as the JDK's listener calls ----

    /** Delivers a text part in a fresh buffer, as the JDK decodes each part; returns the listener's stage. */
    public CompletionStage<?> deliverText(WebSocket.Listener listener, String text, boolean last) {
        takeDemand("a text part");
        return listener.onText(this, CharBuffer.wrap(text.toCharArray()), last);
    }

    public CompletionStage<?> deliverBinary(WebSocket.Listener listener, byte[] bytes, boolean last) {
        takeDemand("a binary part");
        return listener.onBinary(this, ByteBuffer.wrap(bytes), last);
    }

    public CompletionStage<?> deliverPing(WebSocket.Listener listener, ByteBuffer payload) {
        takeDemand("a Ping");
        return listener.onPing(this, payload);
    }

    public CompletionStage<?> deliverPong(WebSocket.Listener listener, ByteBuffer payload) {
        takeDemand("a Pong");
        return listener.onPong(this, payload);
    }

    /** The peer's Close frame: it takes demand like any frame, and closes input. */
    public CompletionStage<?> deliverClose(WebSocket.Listener listener, int code, String reason) {
        takeDemand("a Close");
        synchronized (this) {
            inputClosed = true;
        }
        return listener.onClose(this, code, reason);
    }

    /** TCP ended without a Close: the JDK reports 1006 without demand. */
    public CompletionStage<?> deliverDrop(WebSocket.Listener listener) {
        synchronized (this) {
            inputClosed = true;
            outputClosed = true;
        }
        return listener.onClose(this, 1006, "");
    }

    public void deliverError(WebSocket.Listener listener, Throwable error) {
        synchronized (this) {
            inputClosed = true;
            outputClosed = true;
        }
        listener.onError(this, error);
    }

    // ---- sends ----

    @Override
    public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
        return send(new Send(Kind.TEXT, data.toString(), null, last, 0));
    }

    @Override
    public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
        return send(new Send(Kind.BINARY, null, data, last, 0));
    }

    @Override
    public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
        return send(new Send(Kind.PING, null, message, true, 0));
    }

    @Override
    public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
        return send(new Send(Kind.PONG, null, message, true, 0));
    }

    @Override
    public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
        return send(new Send(Kind.CLOSE, reason, null, true, statusCode));
    }

    /**
     * The bytes JDK 17 puts on the wire for {@code payload} (before masking, which the peer undoes):
     * {@code Frame.Masker} reads a long in the source buffer's order and writes it big-endian, so a
     * little-endian buffer's bytes come out reversed eight at a time. Consumes the buffer, as the JDK does.
     */
    private static byte[] asJdk17Writes(ByteBuffer payload) {
        byte[] out = new byte[payload.remaining()];
        ByteBuffer wire = ByteBuffer.wrap(out); // big-endian, as the JDK's own buffers are
        while (payload.remaining() >= Long.BYTES) {
            wire.putLong(payload.getLong());
        }
        wire.put(payload);
        return out;
    }

    private synchronized CompletableFuture<WebSocket> send(Send send) {
        if (outputClosed) {
            return CompletableFuture.failedFuture(new IOException("Output closed"));
        }
        for (Send earlier : sends) {
            if (earlier.pending() && earlier.kind != Kind.CLOSE && earlier.kind.isData() == send.kind.isData()) {
                overlappingSends++;
                return CompletableFuture.failedFuture(new IllegalStateException("Send pending"));
            }
        }
        sends.add(send);
        if (send.kind == Kind.CLOSE) {
            outputClosed = true;
        }
        if (autoComplete) {
            send.complete();
        }
        return send.future;
    }

    /** {@return the sends so far, oldest first} */
    public synchronized List<Send> sends() {
        return List.copyOf(sends);
    }

    public synchronized int sendCount() {
        return sends.size();
    }

    /** {@return the {@code index}th send (from 0)} */
    public synchronized Send send(int index) {
        return sends.get(index);
    }

    /** {@return how many sends came while one of their kind was pending: must stay 0} */
    public synchronized int overlappingSends() {
        return overlappingSends;
    }

    // ---- the rest of WebSocket ----

    /** Closes both ways and fails the pending sends, as the JDK's send scheduler does once output is closed. */
    @Override
    public void abort() {
        List<Send> pending = new ArrayList<>();
        synchronized (this) {
            aborted = true;
            inputClosed = true;
            outputClosed = true;
            for (Send send : sends) {
                if (send.pending()) {
                    pending.add(send);
                }
            }
        }
        for (Send send : pending) {
            send.fail(new IOException("Output closed"));
        }
    }

    public synchronized boolean aborted() {
        return aborted;
    }

    @Override
    public synchronized boolean isOutputClosed() {
        return outputClosed;
    }

    @Override
    public synchronized boolean isInputClosed() {
        return inputClosed;
    }

    @Override
    public String getSubprotocol() {
        return "";
    }

    /**
     * Waits, busily and for at most five seconds, until {@code condition} holds: for observing
     * another thread without sleeping.
     */
    public static void spinUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("Still not the case after 5 s: " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Waits until {@code thread} is parked (WAITING or TIMED_WAITING). */
    public static void spinUntilParked(Thread thread) {
        spinUntil(() -> {
            Thread.State s = thread.getState();
            return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
        }, thread.getName() + " parked");
    }
}
