package dev.framewire.internal.reconnect;

import dev.framewire.internal.Checks;
import dev.framewire.internal.Durations;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: before the retry numbered {@code step} (0 for the first),
 * wait a random time from zero to {@code min(max, initial × 2^step)}.
 *
 * <p>Full jitter spreads the clients that a server restart disconnected at the same moment across
 * the whole window, instead of bringing them back together at every doubling.
 *
 * @param initial the ceiling of the first wait
 * @param max     the ceiling no wait exceeds
 */
public record Backoff(Duration initial, Duration max) {

    /** The highest step that still doubles: beyond it every ceiling is {@code max} anyway. */
    static final int LAST_DOUBLING = 62;

    /** Where in {@code [0, ceiling]} a wait falls; {@link #FULL} in use, a fixed choice in tests. */
    @FunctionalInterface
    public interface Jitter {

        /** Uniformly random in {@code [0, ceilingNanos]}. */
        Jitter FULL = ceilingNanos -> ceilingNanos == Long.MAX_VALUE
                ? ThreadLocalRandom.current().nextLong(ceilingNanos)
                : ThreadLocalRandom.current().nextLong(ceilingNanos + 1);

        /** {@return a wait in nanoseconds from 0 to {@code ceilingNanos}, both included} */
        long pick(long ceilingNanos);
    }

    /**
     * Checks the arguments with messages that name them.
     *
     * @throws IllegalArgumentException if a duration is zero or negative, or {@code initial > max}
     * @throws NullPointerException     if a duration is {@code null}
     */
    public Backoff {
        Checks.requirePositive(initial, "backoff initial");
        Checks.requirePositive(max, "backoff max");
        Checks.requireArgument(initial.compareTo(max) <= 0,
                "Expected backoff initial <= max: initial %s, max %s", Durations.format(initial), Durations.format(max));
    }

    /** {@return {@code min(max, initial × 2^step)} in nanoseconds, without overflow} */
    public long ceilingNanos(int step) {
        long initialNanos = Checks.toNanosSaturated(initial);
        long maxNanos = Checks.toNanosSaturated(max);
        if (step > LAST_DOUBLING || initialNanos > maxNanos >> step) {
            return maxNanos;
        }
        return initialNanos << step;
    }

    /** {@return the wait before retry {@code step}, in nanoseconds, placed by {@code jitter}} */
    public long delayNanos(int step, Jitter jitter) {
        long ceiling = ceilingNanos(step);
        return Math.max(0, Math.min(ceiling, jitter.pick(ceiling)));
    }
}
