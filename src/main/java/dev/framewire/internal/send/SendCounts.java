package dev.framewire.internal.send;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one connection sent, for {@code FrameSocket.stats()}: data frames, messages, their payload
 * bytes, Pings, and how long sends blocked.
 *
 * <p>Single writer per count, no atomic instruction on the frame path: the data counts are
 * written only by the sender holding the data slot, the Ping count only by the one holding the
 * control slot (each slot is a semaphore, whose release and acquire order one holder's writes
 * before the next holder's), so each is a plain read of its own last value and a release store,
 * read by any thread with an acquire load. The time sends blocked is added by every thread that
 * blocked, several at once (one waits for the slot while another waits for TCP), so it is a
 * {@link LongAdder}, touched only by a send that did block.
 */
public final class SendCounts {

    private static final VarHandle FRAMES;
    private static final VarHandle MESSAGES;
    private static final VarHandle BYTES;
    private static final VarHandle PINGS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            FRAMES = lookup.findVarHandle(SendCounts.class, "frames", long.class);
            MESSAGES = lookup.findVarHandle(SendCounts.class, "messages", long.class);
            BYTES = lookup.findVarHandle(SendCounts.class, "bytes", long.class);
            PINGS = lookup.findVarHandle(SendCounts.class, "pings", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long frames;   // guarded by the data slot
    private long messages; // guarded by the data slot
    private long bytes;    // guarded by the data slot
    private long pings;    // guarded by the control slot
    private final LongAdder waitedNanos = new LongAdder();

    /** Counts a data frame of {@code payloadBytes} bytes (text: in UTF-8) handed to the JDK; in the data slot. */
    void dataFrame(long payloadBytes, boolean last) {
        FRAMES.setRelease(this, frames + 1);
        BYTES.setRelease(this, bytes + payloadBytes);
        if (last) {
            MESSAGES.setRelease(this, messages + 1);
        }
    }

    /** Counts a Ping handed to the JDK; in the control slot. */
    void ping() {
        PINGS.setRelease(this, pings + 1);
    }

    /** Adds the time one send blocked; on any sender thread. */
    void waited(long nanos) {
        waitedNanos.add(nanos);
    }

    /** {@return the data frames handed to the JDK} */
    public long frames() {
        return (long) FRAMES.getAcquire(this);
    }

    /** {@return the data messages whose final frame was handed to the JDK} */
    public long messages() {
        return (long) MESSAGES.getAcquire(this);
    }

    /** {@return the payload bytes of the data frames handed to the JDK, text in UTF-8} */
    public long bytes() {
        return (long) BYTES.getAcquire(this);
    }

    /** {@return the Pings handed to the JDK} */
    public long pings() {
        return (long) PINGS.getAcquire(this);
    }

    /** {@return the total time sends blocked, in nanoseconds} */
    public long waitedNanos() {
        return waitedNanos.sum();
    }
}
