package dev.framewire.internal.receive;

import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.Ending;

import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The bounded hand-off from the JDK's listener to the reading thread, with flow control.
 *
 * <p>Invariant: items held here plus the JDK's outstanding demand never exceed
 * {@link #capacity()}. At start the JDK is asked for {@code capacity} parts; afterwards one more
 * part is requested for each part that leaves the queue (read, or dropped). So {@link #add} can
 * never find the queue full, the listener never blocks, and a reader that falls behind stops the
 * JDK reading from the socket, which slows the peer through TCP instead of filling the heap.
 *
 * <p>While the queue is full the JDK is asked for nothing, so it reads nothing from the peer, its
 * Pings and Pongs included: {@link #demandWithheldSince()} tells the keepalive that the silence is
 * the reader's, not the peer's. It costs the frame path one comparison per part, and a volatile
 * write (with a clock read) each time the queue fills.
 *
 * <p>The end of the connection ({@link EndOfInput}) is a marker behind the last part, so readers get
 * every part that arrived before it, in order. The marker is sticky: a reader that takes it puts
 * it back, so every later or concurrent reader sees the end too.
 *
 * <p>A reader that finds nothing waits actively for up to its {@link ReadSpin} first, watching
 * {@code held} and the end flag without the queue's lock, and only then blocks in the queue.
 *
 * <p>Threads: {@link #add} runs on the JDK's listener thread (the selector thread, a pool thread,
 * or a reader's own thread inside {@code request(n)}); {@link #take} on readers; {@link #end} on
 * whichever thread ends the connection; {@link #discardAll} on the closing thread. The
 * {@code ArrayBlockingQueue} and the atomics make each of them safe against the others.
 */
public final class ReceiveQueue {

    /** Room beyond the demand-bounded parts: the peer's CLOSE (not always counted by the JDK), the end marker and the wake-up marker. */
    private static final int SPARE_SLOTS = 3;

    private final int capacity;
    private final ConnectionState state;
    private final ArrayBlockingQueue<Inbound> items;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger highWater = new AtomicInteger();
    private volatile WebSocket webSocket; // set once, in onOpen, before any part arrives
    // When the queue last filled up (System.nanoTime, never 0), written by add() on the listener
    // thread only; whether it is full now is held's to say (demandWithheldSince).
    private volatile long filledAt;
    // The end once a reader took it. A part can land behind the end marker (FrameSocket.abortWith
    // ends the queue, then aborts the JDK, whose listener call may be adding a part in between);
    // re-offering the marker would put it behind that part, and the next read would return a frame
    // after a read had reported the end. Every take after the end returns it from here instead.
    private volatile Inbound endTaken;
    private volatile boolean endOffered;    // the end marker is in the queue: a spinning reader stops
    private final AtomicBoolean wakeQueued = new AtomicBoolean(); // the wake-up marker is in the queue (one at most)
    private final ReadSpin spin;
    private final BooleanSupplier arrival = this::hasArrival; // made once: take() must not allocate

    /**
     * Creates a queue for at most {@code capacity} parts.
     *
     * @param state the connection's lifecycle: once this side drops data, arriving data is dropped
     */
    public ReceiveQueue(int capacity, ConnectionState state) {
        this(capacity, state, ReadSpin.OFF);
    }

    /**
     * Creates a queue for at most {@code capacity} parts whose readers wait actively for up to
     * {@code spin} before they park.
     *
     * @param state the connection's lifecycle: once this side drops data, arriving data is dropped
     * @param spin  how a reader waits for the next item before it blocks
     */
    public ReceiveQueue(int capacity, ConnectionState state, ReadSpin spin) {
        this.capacity = capacity;
        this.state = state;
        this.spin = spin;
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
     * Adds an item on the listener thread. Never blocks: flow control leaves room for it. While
     * this side drops data ({@link ConnectionState.Phase#dropsData()}), data is dropped on
     * arrival and replaced by demand; the peer's Close still comes through.
     */
    void add(Inbound item) {
        if (!item.keepWhenDiscarding() && state.phase().dropsData()) {
            item.discard();
            replenish(1);
            return;
        }
        if (!items.offer(item)) {
            throw new IllegalStateException("framewire receive queue overflow: flow control is broken");
        }
        int now = held.incrementAndGet();
        if (now == capacity) { // full: no demand left, until a reader takes a part
            filledAt = nonZero(System.nanoTime());
        }
        if (now > highWater.get()) {
            highWater.accumulateAndGet(now, Math::max);
        }
        // close() moves the phase, then empties the queue: if both ran between the check above and
        // the offer, this part slipped in behind discardAll and would hold its demand until a read.
        // With nobody reading, the peer's Close could then never come (capacity 1; found by jcstress,
        // CloseWhileReceivingStress). Checked again after the offer: either this sees the new phase
        // and drops the part, or discardAll runs after the offer and drops it. Removed by identity
        // (equal records are other parts), under the queue's lock, so only one of the two does.
        if (!item.keepWhenDiscarding() && state.phase().dropsData() && items.removeIf(queued -> queued == item)) {
            held.decrementAndGet();
            item.discard();
            replenish(1);
        }
    }

    /** {@return how many parts are waiting for a reader now} */
    public int held() {
        return held.get();
    }

    /**
     * {@return since when ({@link System#nanoTime()}, never 0) this queue has withheld demand from
     * the JDK because it is full, or 0 while it has room}. While it is full the JDK reads nothing
     * more from the peer (no data, no Ping, no Pong) until a reader takes a part. Read from any
     * thread; no lock. Just after the queue fills, the time may for a moment be that of an earlier
     * fill, or the time of this call.
     */
    public long demandWithheldSince() {
        if (held.get() < capacity) {
            return 0;
        }
        long since = filledAt;
        return since != 0 ? since : nonZero(System.nanoTime()); // filled a moment ago, its stamp not yet seen
    }

    private static long nonZero(long nanos) {
        return nanos == 0 ? 1 : nanos;
    }

    /** Asks the JDK for {@code n} more parts: a part left the queue or was never put in. */
    void replenish(int n) {
        WebSocket ws = webSocket;
        if (ws != null) {
            ws.request(n);
        }
    }

    /** Puts the end marker behind the parts already queued; wakes every waiting reader. */
    void end(Ending how) {
        items.offer(new EndOfInput(how));
        endOffered = true;
    }

    /**
     * Wakes the reader blocked in {@link #take} (if any) with the {@link WakeUp} marker, which
     * takes no demand and is never queued twice; a later reader skips it.
     */
    void wake() {
        if (wakeQueued.compareAndSet(false, true)) {
            items.offer(WakeUp.MARKER);
        }
    }

    /**
     * Takes the next item.
     *
     * @param timeoutNanos how long to wait; negative waits without limit
     * @return a part, a control frame, the {@link EndOfInput} (which stays for the next reader) or
     * the {@link WakeUp} marker; {@code null} if the time ran out
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public Inbound take(long timeoutNanos) throws InterruptedException {
        Inbound taken = endTaken;
        if (taken != null) {
            return taken;
        }
        if (spin != ReadSpin.OFF && held.get() == 0 && !endOffered) { // the default (off) reads nothing more
            // Nothing queued: perhaps wait actively first (Builder.readSpin), so the listener's
            // hand-off finds this thread awake instead of having to unpark it.
            long spent = spin.await(arrival, timeoutNanos);
            if (timeoutNanos >= 0) {
                timeoutNanos = Math.max(0, timeoutNanos - spent);
            }
        }
        Inbound item = timeoutNanos < 0 ? items.take() : items.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        if (item == null) {
            return null;
        }
        if (item.isEnd()) {
            endTaken = item;
            items.offer(item); // sticky: later and concurrent readers see the end too
        } else if (item.isWakeUp()) {
            wakeQueued.set(false);
        } else {
            held.decrementAndGet();
            replenish(1);
        }
        return item;
    }

    /** {@return whether an item or the end is waiting}: read without the queue's lock, for spinning */
    private boolean hasArrival() {
        return held.get() > 0 || endOffered || wakeQueued.get();
    }

    /**
     * Drops every data item queued now, ending their loans and asking the JDK for as many parts
     * in their place, so the closing handshake completes even if the reader stopped. Call it
     * after the phase moved to one that drops data: what arrives later is dropped by {@link #add}.
     */
    public void discardAll() {
        // Removed in place, under the queue's lock: the peer's CLOSE and the end marker keep their
        // order even if the listener adds them while this runs (draining and re-adding could not).
        List<Inbound> dropped = new ArrayList<>();
        items.removeIf(item -> !item.keepWhenDiscarding() && dropped.add(item));
        for (Inbound item : dropped) {
            item.discard();
        }
        held.addAndGet(-dropped.size());
        if (!dropped.isEmpty()) {
            replenish(dropped.size());
        }
    }
}
