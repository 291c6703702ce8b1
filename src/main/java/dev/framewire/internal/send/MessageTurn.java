package dev.framewire.internal.send;

import dev.framewire.Opcode;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Who may send the next data frame: the thread that owns the unfinished fragmented message, if
 * there is one, otherwise anyone. This is what serializes sends per message rather than per
 * frame: without it, two threads that each send a message with {@code sendFrame(…, false)} then
 * {@code sendFrame(…, true)} interleave their frames into one message on the wire, since the
 * peer cannot tell whose continuation a frame is.
 *
 * <p>{@link OutboundSender} writes the owner while it holds the data slot, just before the
 * JDK call that starts the message ({@link #ownedBy}) or ends it ({@link #finished}); a thread
 * that finds another thread's message unfinished gives the slot back and waits here. The owner is
 * volatile so that the check in the slot needs no lock; the lock and condition exist only for the
 * wait, and every change of the owner signals under the lock, so no waiter misses one.
 *
 * <p>A thread, not a token, owns the message because a {@code sendFrame} call carries nothing
 * else that says which message it continues. The cost: a message cannot be handed from one
 * thread to another halfway (the second thread would wait for the first to finish it).
 */
final class MessageTurn {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile Thread owner;    // written only in the data slot
    private volatile Opcode type;     // the owner's message type, for messages; written before owner

    /** {@return the thread whose fragmented message is unfinished, or {@code null}} */
    Thread owner() {
        return owner;
    }

    /** {@code thread} has sent the first, non-final frame of a {@code type} message. */
    void ownedBy(Thread thread, Opcode type) {
        if (owner != thread) {
            this.type = type;
            owner = thread;
        }
    }

    /** The unfinished message, if any, got its final frame: the next message may be anyone's. */
    void finished() {
        if (owner != null) {
            owner = null;
            wakeAll();
        }
    }

    /** Wakes every waiter to look again, for example because the connection ended. */
    void wakeAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until no thread other than {@code me} owns an unfinished message, or {@code giveUp}
     * holds (checked at every wake-up), or {@code nanos} have passed
     * ({@link Long#MAX_VALUE}: no limit).
     *
     * @return {@code false} if the time ran out first
     * @throws InterruptedException if interrupted while waiting
     */
    boolean awaitOtherThan(Thread me, long nanos, BooleanSupplier giveUp) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (true) {
                Thread now = owner;
                if (now == null || now == me || giveUp.getAsBoolean()) {
                    return true;
                }
                if (left <= 0) {
                    return false;
                }
                if (nanos == Long.MAX_VALUE) {
                    changed.await(); // no send timeout: wait as long as it takes
                } else {
                    left = changed.awaitNanos(left);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@return the unfinished message and its thread, for messages: {@code text message of thread "worker-2"}} */
    String describe() {
        Thread now = owner;
        Opcode what = type;
        return (what == Opcode.BINARY ? "binary" : "text") + " message"
                + (now == null ? "" : " (started by thread \"" + now.getName() + "\")");
    }
}
