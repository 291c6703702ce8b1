package dev.framewire.internal;

import dev.framewire.Frame;
import dev.framewire.Opcode;

import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded hand-off from the JDK's listener thread to the reading thread, with flow control.
 *
 * <p>Invariant: parts held here plus the JDK's outstanding demand never exceed
 * {@link #capacity()}. At start the JDK is asked for {@code capacity} parts; afterwards one more
 * part is requested for each part that leaves the queue (read, or dropped by the listener as a
 * filtered pong or ping). So {@link #add} can never find the queue full, the listener never
 * blocks, and a reader that falls behind stops the JDK reading from the socket, which slows the
 * peer through TCP instead of filling the heap.
 *
 * <p>The end of the connection is a marker behind the last part, so readers get every part
 * that arrived before it, in order. The marker is sticky: a reader that takes it puts it back,
 * so every later or concurrent reader sees the end too.
 */
public final class FrameQueue {

    /** Room beyond the demand-bounded frames: the peer's CLOSE (not always counted by the JDK) and the end marker. */
    private static final int SPARE_SLOTS = 2;

    private final int capacity;
    private final ArrayBlockingQueue<Object> items;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger highWater = new AtomicInteger();
    private volatile WebSocket webSocket;
    private volatile boolean discarding;

    /** Creates a queue for at most {@code capacity} parts. */
    public FrameQueue(int capacity) {
        this.capacity = capacity;
        this.items = new ArrayBlockingQueue<>(capacity + SPARE_SLOTS);
    }

    /** {@return the most parts this queue holds} */
    public int capacity() {
        return capacity;
    }

    /** {@return the most parts the queue has held at once so far} */
    public int highWater() {
        return highWater.get();
    }

    /** Starts the flow: called once, from the listener's {@code onOpen}. */
    void start(WebSocket webSocket) {
        this.webSocket = webSocket;
        webSocket.request(capacity);
    }

    /**
     * Adds a part on the listener thread. Never blocks: flow control leaves room for it. After
     * {@link #discardAll()} data is dropped (and replaced by demand), but a CLOSE still arrives.
     */
    void add(Frame frame) {
        if (discarding && frame.opcode() != Opcode.CLOSE) {
            replenish(1);
            return;
        }
        enqueue(frame);
    }

    /**
     * Adds a text message that came in one part, the commonest item by far, as {@link #add(Frame)}.
     * It travels as its {@code String}: {@code readMessage} returns it without a {@link Frame}
     * made for nothing.
     */
    void add(String wholeTextMessage) {
        if (discarding) {
            replenish(1);
            return;
        }
        enqueue(wholeTextMessage);
    }

    /** Adds a part of a text message that came in several parts; as {@link #add(Frame)}. */
    void add(TextPart part) {
        if (discarding) {
            part.release();
            replenish(1);
            return;
        }
        enqueue(part);
    }

    private void enqueue(Object part) {
        if (!items.offer(part)) {
            throw new IllegalStateException("framewire receive queue overflow: flow control is broken");
        }
        int now = held.incrementAndGet();
        if (now > highWater.get()) {
            highWater.accumulateAndGet(now, Math::max);
        }
    }

    /** {@return how many parts are waiting for a reader now} */
    int held() {
        return held.get();
    }

    /** Asks the JDK for {@code n} more parts: a part left the queue or was never put in. */
    void replenish(int n) {
        WebSocket ws = webSocket;
        if (ws != null) {
            ws.request(n);
        }
    }

    /** Puts the end marker behind the frames already queued; wakes every waiting reader. */
    void end(Ending how) {
        items.offer(how);
    }

    /**
     * Takes the next part, or the end.
     *
     * @param timeoutNanos how long to wait; negative waits without limit
     * @return a part: a {@link Frame}, a {@code String} (a whole text message) or a
     * {@link TextPart} (whose loan the caller must end); else an {@link Ending}, or {@code null}
     * if the time ran out
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public Object take(long timeoutNanos) throws InterruptedException {
        Object item = timeoutNanos < 0 ? items.take() : items.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        if (item instanceof Ending) {
            items.offer(item); // sticky end: later and concurrent readers see it too
        } else if (item != null) {
            held.decrementAndGet();
            replenish(1);
        }
        return item;
    }

    /**
     * Drops what is queued and everything that arrives later but the peer's CLOSE, asking the JDK
     * for more in its place, so the closing handshake completes even if the reader stopped.
     */
    public void discardAll() {
        discarding = true;
        List<Object> drained = new ArrayList<>();
        items.drainTo(drained);
        int frames = 0;
        for (Object item : drained) {
            boolean keep = item instanceof Ending || item instanceof Frame f && f.opcode() == Opcode.CLOSE;
            if (keep) {
                items.offer(item);
            } else {
                if (item instanceof TextPart part) {
                    part.release();
                }
                frames++;
            }
        }
        held.addAndGet(-frames);
        if (frames > 0) {
            replenish(frames);
        }
    }
}
