package dev.framewire.internal.reconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The ceilings of exponential backoff, and where full jitter puts a wait below them. */
class BackoffTest {

    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    @Test
    void ceilingsDoubleFromInitialUntilMax() {
        long[] expectedMillis = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
        for (int step = 0; step < expectedMillis.length; step++) {
            assertEquals(Duration.ofMillis(expectedMillis[step]).toNanos(), BACKOFF.ceilingNanos(step), "step " + step);
        }
    }

    @Test
    void farStepsAndHugeDurationsDoNotOverflow() {
        assertEquals(Duration.ofSeconds(30).toNanos(), BACKOFF.ceilingNanos(Backoff.LAST_DOUBLING));
        assertEquals(Duration.ofSeconds(30).toNanos(), BACKOFF.ceilingNanos(Integer.MAX_VALUE));
        Backoff huge = new Backoff(Duration.ofDays(365), Duration.ofSeconds(Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE, huge.ceilingNanos(40));
        assertTrue(huge.delayNanos(40, Backoff.Jitter.FULL) >= 0);
    }

    @Test
    void theLastDoublingStepStillDoublesAndACeilingEqualToMaxIsKept() {
        Backoff tiny = new Backoff(Duration.ofNanos(1), Duration.ofSeconds(Long.MAX_VALUE));
        assertEquals(1L << Backoff.LAST_DOUBLING, tiny.ceilingNanos(Backoff.LAST_DOUBLING), "2^62 ns, below max");
        assertEquals(Long.MAX_VALUE, tiny.ceilingNanos(Backoff.LAST_DOUBLING + 1), "2^63 would overflow");
        Backoff odd = new Backoff(Duration.ofNanos(1), Duration.ofNanos(3));
        assertEquals(2, odd.ceilingNanos(1), "max >> 1 equals initial: doubling still fits under max");
        assertEquals(3, odd.ceilingNanos(2));
    }

    @Test
    void fullJitterStaysWithinZeroAndTheCeiling() {
        long ceiling = BACKOFF.ceilingNanos(3);
        long least = Long.MAX_VALUE;
        long most = 0;
        for (int i = 0; i < 10_000; i++) {
            long delay = BACKOFF.delayNanos(3, Backoff.Jitter.FULL);
            assertTrue(delay >= 0 && delay <= ceiling, delay + " outside [0, " + ceiling + "]");
            least = Math.min(least, delay);
            most = Math.max(most, delay);
        }
        // Spread over the whole window, not bunched near the ceiling (equal jitter) or at it (none).
        assertTrue(least < ceiling / 10 && most > ceiling * 9 / 10, least + " .. " + most);
    }

    @Test
    void aJitterOutsideTheWindowIsClamped() {
        assertEquals(BACKOFF.ceilingNanos(1), BACKOFF.delayNanos(1, c -> c + 5));
        assertEquals(0, BACKOFF.delayNanos(1, c -> -5));
    }

    @Test
    void argumentsAreCheckedWithTheValuesNamed() {
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
                () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertEquals("Expected backoff initial <= max: initial 2 s, max 1 s", order.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertEquals("Expected a positive duration for backoff initial: 0 ns", zero.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(-1)));
        assertEquals("Expected a positive duration for backoff max: -1 s", negative.getMessage());
        assertThrows(NullPointerException.class, () -> new Backoff(null, Duration.ofSeconds(1)));
    }
}
