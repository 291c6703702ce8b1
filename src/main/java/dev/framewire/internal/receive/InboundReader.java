package dev.framewire.internal.receive;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;
import dev.framewire.MessageTooLargeException;
import dev.framewire.ReadTimeoutException;
import dev.framewire.internal.Checks;
import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.Durations;
import dev.framewire.internal.events.ConnectionEvents;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Blocking reads on top of the receive queue: the mirror of {@link OutboundSender}. It owns the
 * read lock, the deadlines, {@code readFrame} and {@code readMessage}, and the policy for a
 * message that is too large.
 *
 * <p>One reader at a time: the read lock serializes readers, so parts of one message never go to
 * two threads. Waiting for the lock counts against the read's timeout.
 *
 * <p>A read takes {@link Inbound} items from the {@link ReceiveQueue} and lets each say what it
 * is: {@link Inbound#toFrame} for {@code readFrame}, {@link Inbound#addTo} for
 * {@code readMessage}. The public {@code Frame} and {@code Message} are made by the facade's
 * {@link ReadResults}.
 *
 * @param <F> the frame type
 * @param <M> the message type
 */
public final class InboundReader<F, M> {

    private static final long NO_DEADLINE = Long.MIN_VALUE;
    private static final long NO_STREAM = 0;

    private final ReceiveQueue queue;
    private final ConnectionState state;
    private final ReadResults<F, M> results;
    private final Duration readTimeout; // null: wait without limit
    private final ReentrantLock readLock = new ReentrantLock();
    private final MessageAssembler assembler; // guarded by readLock
    private boolean streamUnfinished;         // a MessageStream has not reached its last part; guarded by readLock
    private boolean skippingRest;             // dropping the rest of a message whose stream was closed early; guarded by readLock
    private long currentStream;               // the id of the last stream opened (ids count from 1); guarded by readLock
    // The id of a stream closed from another thread while a reader was inside, or NO_STREAM: the
    // reader inside (or the next one) abandons it. Set without the lock so that close() never waits.
    private final AtomicLong abandonRequest = new AtomicLong(NO_STREAM);
    private final Consumer<CloseStatus> refuseData; // the connection's: for a message too large
    private final ReceiveCounts counts;              // read timeouts are counted here
    private final ConnectionEvents events;

    /**
     * Creates a reader.
     *
     * @param queue          where received items wait
     * @param state          the connection's lifecycle
     * @param refuseData     refuses all data from now on and closes with the status given, for a
     *                       message too large (the connection's {@code refuseData})
     * @param results        makes the public frames and messages
     * @param readTimeout    the timeout of reads called without one, or {@code null} for none
     * @param maxMessageSize the largest message {@code readMessage} accepts, in bytes
     * @param counts         where reads that time out are counted
     * @param events         the connection's JFR events (a message too large)
     */
    public InboundReader(ReceiveQueue queue, ConnectionState state, Consumer<CloseStatus> refuseData,
                         ReadResults<F, M> results, Duration readTimeout, long maxMessageSize,
                         ReceiveCounts counts, ConnectionEvents events) {
        this.queue = queue;
        this.state = state;
        this.refuseData = refuseData;
        this.results = results;
        this.readTimeout = readTimeout;
        this.assembler = new MessageAssembler(maxMessageSize);
        this.counts = counts;
        this.events = events;
    }

    /**
     * Returns the next frame: a part held by an unfinished {@code readMessage} first, then what
     * the queue holds.
     *
     * @param timeout how long to wait, or {@code null} for the read timeout
     */
    public F readFrame(Duration timeout) throws IOException {
        Duration limit = timeout != null ? timeout : readTimeout;
        long deadline = deadline(limit);
        enter(deadline, limit);
        try {
            requireNoStream("readFrame");
            return heldOrNext(deadline, limit).toFrame(results);
        } finally {
            leave();
        }
    }

    /**
     * Returns the next whole message; control frames are skipped, the peer's Close ends it.
     *
     * @param timeout how long to wait for all of it, or {@code null} for the read timeout
     */
    public M readMessage(Duration timeout) throws IOException {
        Duration limit = timeout != null ? timeout : readTimeout;
        long deadline = deadline(limit);
        enter(deadline, limit);
        try {
            requireNoStream("readMessage");
            while (true) {
                Inbound item = next(deadline, limit);
                try {
                    item.addTo(assembler);
                } catch (MessageTooLargeException tooLarge) {
                    refuseRestOfMessage(tooLarge);
                    throw tooLarge;
                } catch (ConnectionClosedException ended) {
                    // The message can never be finished. What had arrived of it goes with the end,
                    // so that no read after this one returns data (docs/reading.md): a readFrame
                    // would have returned those parts before the end, a readMessage cannot.
                    assembler.reset();
                    throw ended;
                }
                M message = assembler.takeMessage(results);
                if (message != null) {
                    return message;
                }
            }
        } finally {
            leave();
        }
    }

    /**
     * Waits for the first part of the next data message and returns it at once; the rest of the
     * message is read with {@link #nextStreamPart()}. Pings and Pongs are skipped; the peer's
     * Close ends the read. Parts held by a timed-out {@code readMessage} come first.
     *
     * @param timeout how long to wait for the first part, or {@code null} for the read timeout
     */
    public StreamPart openStream(Duration timeout) throws IOException {
        Duration limit = timeout != null ? timeout : readTimeout;
        long deadline = deadline(limit);
        enter(deadline, limit);
        try {
            requireNoStream("readMessageStream");
            currentStream++;
            return nextStreamPartLocked(deadline, limit);
        } finally {
            leave();
        }
    }

    /**
     * Returns the next part of the message an {@link #openStream} started, waiting up to the read
     * timeout. The connection ending mid-message throws here, after every earlier part was
     * returned, and ends the stream.
     */
    public StreamPart nextStreamPart() throws IOException {
        long deadline = deadline(readTimeout);
        enter(deadline, readTimeout);
        try {
            if (!streamUnfinished) {
                throw new IllegalStateException("The message stream has ended");
            }
            try {
                return nextStreamPartLocked(deadline, readTimeout);
            } catch (ConnectionClosedException ended) {
                streamUnfinished = false;
                throw ended;
            }
        } finally {
            leave();
        }
    }

    private StreamPart nextStreamPartLocked(long deadline, Duration limit) throws IOException {
        while (true) {
            Inbound item = heldOrNext(deadline, limit);
            byte[] bytes = item.streamBytes();
            if (bytes != null) {
                streamUnfinished = !item.isLast();
                return new StreamPart(item.messageType(), bytes, item.isLast(), currentStream);
            }
        }
    }

    /**
     * Ends an unfinished message stream early: what had arrived of its message is dropped, the
     * rest is dropped as it arrives, and the next read starts with the message after it. Never
     * blocks: if another thread is inside a read (the stream's own read, waiting for its next
     * part), that reader is woken, drops the message and throws; a stream whose message has
     * ended meanwhile is left alone.
     *
     * @param stream the stream's id, from its {@link StreamPart}s
     */
    public void abandonStream(long stream) {
        abandonRequest.set(stream);
        if (readLock.tryLock()) {
            try {
                abandonRequested();
            } finally {
                readLock.unlock();
            }
        } else {
            // The reader inside sees the request when the marker wakes it, or the next one on entering.
            queue.wake();
        }
    }

    /**
     * Carries out a pending {@link #abandonStream} request, under the read lock.
     *
     * @return whether it ended the stream now being read
     */
    private boolean abandonRequested() {
        if (abandonRequest.get() == NO_STREAM) {
            return false; // the common case, on every read: a plain volatile read, no write
        }
        long stream = abandonRequest.getAndSet(NO_STREAM);
        if (stream == NO_STREAM || stream != currentStream || !streamUnfinished) {
            return false; // nothing asked, or that stream's message had ended already
        }
        streamUnfinished = false;
        skippingRest = true;
        // A timed-out readMessage may have held the first parts, which the stream then read:
        // whatever of the message is still held goes too, or it would be glued to the next one.
        assembler.reset();
        return true;
    }

    private void requireNoStream(String what) {
        if (streamUnfinished) {
            throw new IllegalStateException("Cannot call " + what + " while a MessageStream is unfinished:"
                    + " read it to its end (-1) or close() it first");
        }
    }

    /** A part held by a timed-out {@code readMessage}, else the next item of the queue. */
    private Inbound heldOrNext(long deadline, Duration limit) throws IOException {
        return assembler.holdsParts() ? assembler.takeOldest() : next(deadline, limit);
    }

    /**
     * Refuses the rest of a message too large: drops data from now on, and closes with 1008 (the
     * JDK will not send 1009) so the peer's answering Close can still arrive.
     */
    private void refuseRestOfMessage(MessageTooLargeException tooLarge) {
        events.messageTooLarge(tooLarge.limit(), tooLarge.size());
        refuseData.accept(new CloseStatus(CloseStatus.POLICY_VIOLATION, "Message exceeds " + tooLarge.limit() + " bytes"));
    }

    /**
     * Takes the next item. Data that arrives once this side drops data is skipped here too, so a
     * part that slipped into the queue while it was being emptied is never returned.
     */
    private Inbound next(long deadline, Duration limit) throws IOException {
        while (true) {
            Inbound item;
            try {
                item = queue.take(deadline == NO_DEADLINE ? -1 : Math.max(0, deadline - System.nanoTime()));
            } catch (InterruptedException e) {
                throw interrupted();
            }
            if (item == null) {
                counts.readTimedOut();
                throw new ReadTimeoutException(limit.isZero() ? "Nothing had arrived (a poll with Duration.ZERO does not wait)"
                        : "Nothing arrived within " + Durations.format(limit), limit);
            }
            if (item.isWakeUp()) {
                if (abandonRequested()) {
                    throw new IOException("This MessageStream was closed by another thread while this read waited");
                }
                continue;
            }
            if (skippingRest && item.isData()) { // the rest of a message whose stream was closed early
                item.discard();
                skippingRest = !item.isLast();
                continue;
            }
            if (item.keepWhenDiscarding() || !state.phase().dropsData()) {
                return item;
            }
            item.discard();
        }
    }

    private void enter(long deadline, Duration limit) throws IOException {
        requireNotClosed();
        try {
            if (deadline == NO_DEADLINE) {
                readLock.lockInterruptibly();
            } else if (!readLock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                counts.readTimedOut();
                throw new ReadTimeoutException(limit.isZero() ? "Another thread is reading (a poll with Duration.ZERO does not wait)"
                        : "Another thread kept reading for longer than " + Durations.format(limit), limit);
            }
        } catch (InterruptedException e) {
            throw interrupted();
        }
        abandonRequested(); // a stream closed while the last reader was inside
    }

    /**
     * Unlocks; if {@code close()} has run meanwhile, drops what an unfinished message held. Either
     * the closing thread finds the lock free and drops the parts itself ({@link #dropHeldParts}),
     * or it finds a reader inside, which then sees {@code CLOSED} here, after unlocking.
     */
    private void leave() {
        readLock.unlock();
        if (state.phase() == ConnectionState.Phase.CLOSED) {
            dropHeldParts();
        }
    }

    /** After {@code close()} unread frames are gone: reads report the end at once. */
    private void requireNotClosed() throws ConnectionClosedException {
        if (state.phase() == ConnectionState.Phase.CLOSED) {
            throw state.ending().toException();
        }
    }

    /**
     * Drops the parts of an unfinished message, ending their loans, unless a reader is inside:
     * that reader drops them as it leaves ({@link #leave}). Never blocks.
     */
    public void dropHeldParts() {
        if (readLock.tryLock()) {
            try {
                assembler.reset();
            } finally {
                readLock.unlock();
            }
        }
    }

    /** {@return how many parts of an unfinished message are held}; for tests */
    public int heldParts() {
        readLock.lock();
        try {
            return assembler.heldParts();
        } finally {
            readLock.unlock();
        }
    }

    private static long deadline(Duration timeout) {
        if (timeout == null) {
            return NO_DEADLINE;
        }
        long deadline = System.nanoTime() + Checks.toNanosSaturated(timeout);
        return deadline == NO_DEADLINE ? NO_DEADLINE + 1 : deadline;
    }

    private static InterruptedIOException interrupted() {
        Thread.currentThread().interrupt();
        return new InterruptedIOException("Interrupted while waiting for a frame");
    }
}
