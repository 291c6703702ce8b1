package dev.framewire.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks at framewire's entry points, with messages that name the bad value.
 * Everything is checked before a byte is sent.
 */
public final class Checks {

    private Checks() {
    }

    /**
     * {@return {@code value}}, refusing {@code null} with a message naming the parameter.
     *
     * @throws NullPointerException if {@code value} is {@code null}
     */
    public static <T> T requireNonNull(T value, String name) {
        return Objects.requireNonNull(value, () -> name + " must not be null");
    }

    /**
     * {@return {@code value}}, refusing {@code null}, zero and negative durations.
     *
     * @throws NullPointerException     if {@code value} is {@code null}
     * @throws IllegalArgumentException if {@code value} is zero or negative
     */
    public static Duration requirePositive(Duration value, String name) {
        requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("Expected a positive duration for " + name + ": " + value);
        }
        return value;
    }

    /**
     * Refuses a false condition with an {@link IllegalArgumentException} built from a format.
     *
     * @throws IllegalArgumentException if {@code condition} is false
     */
    public static void requireArgument(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(format, args));
        }
    }

    /**
     * {@return nanoseconds of a duration}, saturating at {@link Long#MAX_VALUE} instead of
     * overflowing for very long durations.
     */
    public static long toNanosSaturated(Duration value) {
        try {
            return value.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
