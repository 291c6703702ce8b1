package dev.framewire.internal.receive;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * What arrived on one connection, for {@code FrameSocket.stats()}: data parts, messages, their
 * payload bytes, Pongs, and the reads that timed out.
 *
 * <p>Single writer, no atomic instruction on the frame path: the arrival counts are written only
 * by listener calls, which the JDK makes one at a time and in order (the same rule
 * {@code InboundListener} keeps for its own fields), so each count is a plain read of its own
 * last value and a release store; any thread reads them with an acquire load. On x86 both are
 * ordinary moves. The read timeouts come from readers, which may time out on several threads at
 * once (one inside the read lock, others waiting for it), so they are a {@link LongAdder}.
 */
public final class ReceiveCounts {

    private static final VarHandle PARTS;
    private static final VarHandle MESSAGES;
    private static final VarHandle BYTES;
    private static final VarHandle PONGS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PARTS = lookup.findVarHandle(ReceiveCounts.class, "parts", long.class);
            MESSAGES = lookup.findVarHandle(ReceiveCounts.class, "messages", long.class);
            BYTES = lookup.findVarHandle(ReceiveCounts.class, "bytes", long.class);
            PONGS = lookup.findVarHandle(ReceiveCounts.class, "pongs", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Written by listener calls only (one at a time), with release stores; read with acquire loads.
    private long parts;
    private long messages;
    private long bytes;
    private long pongs;
    private final LongAdder readTimeouts = new LongAdder();

    /** Counts a data part of {@code payloadBytes} bytes (text: in UTF-8); on the listener thread. */
    void dataPart(long payloadBytes, boolean last) {
        PARTS.setRelease(this, parts + 1);
        BYTES.setRelease(this, bytes + payloadBytes);
        if (last) {
            MESSAGES.setRelease(this, messages + 1);
        }
    }

    /** Counts a Pong; on the listener thread. */
    void pong() {
        PONGS.setRelease(this, pongs + 1);
    }

    /** Counts a read that threw {@code ReadTimeoutException}; on any reader thread. */
    void readTimedOut() {
        readTimeouts.increment();
    }

    /** {@return the data parts received} */
    public long parts() {
        return (long) PARTS.getAcquire(this);
    }

    /** {@return the data messages received whole (their final part arrived)} */
    public long messages() {
        return (long) MESSAGES.getAcquire(this);
    }

    /** {@return the payload bytes of the data parts received, text in UTF-8} */
    public long bytes() {
        return (long) BYTES.getAcquire(this);
    }

    /** {@return the Pongs received} */
    public long pongs() {
        return (long) PONGS.getAcquire(this);
    }

    /** {@return the reads that timed out} */
    public long readTimeouts() {
        return readTimeouts.sum();
    }
}
