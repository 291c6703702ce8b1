package dev.framewire.internal.reconnect;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The time a reconnecting loop reads and the waits it makes. {@link #SYSTEM} in use; tests pass
 * one that records each wait and moves its own time forward instead of sleeping.
 */
public interface RetryClock {

    /** The JVM's clocks and a real, interruptible sleep (virtual-thread friendly). */
    RetryClock SYSTEM = new RetryClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public void sleep(long nanos) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    };

    /** {@return a monotonic time in nanoseconds, for how long a connection lasted} */
    long nanoTime();

    /** {@return the wall-clock time, for a {@code Retry-After} given as an HTTP date} */
    Instant now();

    /**
     * Waits {@code nanos} nanoseconds.
     *
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void sleep(long nanos) throws InterruptedException;
}
