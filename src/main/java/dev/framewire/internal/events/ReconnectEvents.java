package dev.framewire.internal.events;

/**
 * The {@code ReconnectAttempt} event of the retry loop: begun before an attempt, ended once its
 * outcome and the wait after it are known. Returns at once when no recording asks for it, and
 * when the runtime has no {@code jdk.jfr}.
 */
public final class ReconnectEvents {

    private ReconnectEvents() {
    }

    /** {@return a {@code ReconnectAttempt} event begun now}, or {@code null} when none is recorded */
    public static Object attemptBegins() {
        return Jfr.AVAILABLE ? Recorded.attemptBegins() : null;
    }

    /**
     * Ends and commits the attempt {@code span} (nothing if {@code null}).
     *
     * @param attempt   its number in this {@code connect()}, from 1
     * @param outcome   {@code connected}, {@code retrying} or {@code failed}
     * @param waitNanos the wait before the next attempt; 0 unless retrying
     * @param cause     why it failed, in one line; empty when connected
     */
    public static void attemptEnds(Object span, String uri, int attempt, String outcome, long waitNanos, String cause) {
        if (span != null) {
            Recorded.attemptEnds(span, uri, attempt, outcome, waitNanos, cause);
        }
    }
}
