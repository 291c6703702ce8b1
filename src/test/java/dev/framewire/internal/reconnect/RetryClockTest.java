package dev.framewire.internal.reconnect;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The real clock behind reconnection: the other tests use a fake one, so this one is checked here. */
class RetryClockTest {

    @Test
    void theSystemClockReadsTheJvmsClocks() {
        long before = System.nanoTime();
        long nanos = RetryClock.SYSTEM.nanoTime();
        long after = System.nanoTime();
        assertTrue(before <= nanos && nanos <= after, "monotonic time from System.nanoTime()");
        Instant earliest = Instant.now();
        Instant now = RetryClock.SYSTEM.now();
        assertFalse(now.isBefore(earliest), "wall-clock time from Instant.now()");
    }

    @Test
    void theSystemClockReallySleeps() throws Exception {
        long start = System.nanoTime();
        RetryClock.SYSTEM.sleep(TimeUnit.MILLISECONDS.toNanos(20));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
    }
}
