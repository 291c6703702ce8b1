package dev.framewire.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * Durations in messages, written the way people write them ({@code 2 s}, {@code 500 ms},
 * {@code 1.5 s}, {@code 1 min 30 s}) instead of {@link Duration#toString()}'s {@code PT1.5S}.
 */
public final class Durations {

    private static final long NANOS_PER_MICRO = 1_000;
    private static final long NANOS_PER_MILLI = 1_000_000;
    private static final long NANOS_PER_SECOND = 1_000_000_000;

    private Durations() {
    }

    /**
     * {@return {@code duration} in the largest unit that keeps it short}: below a microsecond in
     * ns, below a millisecond in µs, below a second in ms, below a minute in seconds (with up to
     * three decimals), and from a minute on as hours, minutes and seconds ({@code 1 h 5 min},
     * {@code 2 min 0.5 s}). Negative durations get a leading minus.
     */
    public static String format(Duration duration) {
        Checks.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            return "-" + format(duration.negated());
        }
        long seconds = duration.getSeconds();
        int nanos = duration.getNano();
        if (seconds == 0) {
            if (nanos < NANOS_PER_MICRO) {
                return nanos + " ns";
            }
            if (nanos < NANOS_PER_MILLI) {
                return decimal(nanos, NANOS_PER_MICRO) + " µs";
            }
            return decimal(nanos, NANOS_PER_MILLI) + " ms";
        }
        if (seconds < 60) {
            return secondsWithFraction(seconds, nanos) + " s";
        }
        StringBuilder out = new StringBuilder();
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        long rest = seconds % 60;
        if (hours > 0) {
            out.append(hours).append(" h");
        }
        if (minutes > 0) {
            out.append(out.length() > 0 ? " " : "").append(minutes).append(" min");
        }
        if (rest > 0 || nanos > 0) {
            out.append(out.length() > 0 ? " " : "").append(secondsWithFraction(rest, nanos)).append(" s");
        }
        return out.toString();
    }

    /** {@code value / unit} with up to three decimals, trailing zeros dropped. */
    private static String decimal(long value, long unit) {
        return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit), 3, RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString();
    }

    private static String secondsWithFraction(long seconds, int nanos) {
        return BigDecimal.valueOf(seconds).add(BigDecimal.valueOf(nanos, 9)).setScale(3, RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString();
    }
}
