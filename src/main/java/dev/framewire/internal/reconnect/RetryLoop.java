package dev.framewire.internal.reconnect;

import dev.framewire.CloseStatus;
import dev.framewire.internal.Checks;
import dev.framewire.internal.Durations;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.Function;

/**
 * The retry loop behind {@code Reconnector}, and what it remembers from one {@code connect()} to
 * the next: how far the current outage has backed off, and the connection it returned last, whose
 * end decides whether the next call waits first.
 *
 * <p>Generic in the connection type so that RetryLoopTest can drive it with plain objects, a
 * clock that does not sleep and a fixed jitter. Not thread-safe: {@code Reconnector} calls it
 * under its lock.
 *
 * @param <T> the connection
 */
public final class RetryLoop<T> {

    /** One attempt to connect. */
    @FunctionalInterface
    public interface Attempt<T> {

        /**
         * Connects once.
         *
         * @return the open connection
         * @throws IOException if it failed; {@link RetryRules#isTransient} decides what follows
         */
        T connect() throws IOException;
    }

    /**
     * The settings of one {@code connect()} call.
     *
     * @param backoff     the waits between attempts
     * @param maxAttempts the attempts one call makes at most, the first included; 0 for no limit
     * @param resetAfter  how long a connection must last to end the outage; {@code null} for the
     *                    backoff's max
     */
    public record Settings(Backoff backoff, int maxAttempts, Duration resetAfter) {

        long resetAfterNanos() {
            return Checks.toNanosSaturated(resetAfter != null ? resetAfter : backoff.max());
        }
    }

    /** Earlier failures a thrown one carries as suppressed, at most: the most recent ones. */
    static final int KEPT_FAILURES = 16;

    private final RetryClock clock;
    private final Backoff.Jitter jitter;
    private final Function<T, Optional<CloseStatus>> endOf;
    private int step;           // waits made in the current outage: the exponent of the next one
    private boolean owesWait;   // the next call must wait before its first attempt
    private T last;             // the connection returned last, until the next call looks at it
    private long lastConnectedNanos;

    /**
     * Creates a loop with no outage behind it.
     *
     * @param clock  the time and the waits ({@link RetryClock#SYSTEM} in use)
     * @param jitter where each wait falls below its ceiling ({@link Backoff.Jitter#FULL} in use)
     * @param endOf  how a returned connection ended: empty while it is open
     */
    public RetryLoop(RetryClock clock, Backoff.Jitter jitter, Function<T, Optional<CloseStatus>> endOf) {
        this.clock = clock;
        this.jitter = jitter;
        this.endOf = endOf;
    }

    /**
     * Connects, retrying transient failures with backoff; first waits if the connection returned
     * last ended in a way that continues the outage.
     *
     * @param target names what is being connected to, in messages
     * @return the connection {@code attempt} opened
     * @throws IOException            the first failure that is not transient, or the last one when
     *                                the attempts ran out, with the earlier ones suppressed
     * @throws InterruptedIOException if interrupted while waiting between attempts
     */
    public T connect(Attempt<T> attempt, Settings settings, Object target) throws IOException {
        lookAtLast(settings);
        Deque<IOException> failures = new ArrayDeque<>();
        Optional<Duration> asked = Optional.empty(); // the last refusal's Retry-After
        for (int attempts = 0; ; ) {
            if (owesWait || attempts > 0) {
                pause(settings.backoff(), asked, failures, target);
                owesWait = false;
            }
            try {
                T connection = attempt.connect();
                last = connection;
                lastConnectedNanos = clock.nanoTime();
                return connection;
            } catch (IOException failure) {
                attempts++;
                boolean isTransient = RetryRules.isTransient(failure);
                if (!isTransient || (settings.maxAttempts() > 0 && attempts >= settings.maxAttempts())) {
                    owesWait = isTransient; // the outage goes on into the next call
                    throw withEarlier(failure, failures);
                }
                failures.addLast(failure);
                if (failures.size() > KEPT_FAILURES) {
                    failures.removeFirst();
                }
                asked = RetryRules.retryAfter(failure, clock.now());
            }
        }
    }

    /** {@return the exponent of the next wait: the waits made in the current outage}; for tests */
    int step() {
        return step;
    }

    /**
     * A connection that lasted {@code resetAfter} ends the outage (the backoff starts again from
     * its first step); one that ended as a server going away or dropping makes this call wait.
     * Its lifetime runs until this call: the caller's end of it is not observed more precisely.
     */
    private void lookAtLast(Settings settings) {
        if (last == null) {
            return;
        }
        Optional<CloseStatus> end = endOf.apply(last);
        if (clock.nanoTime() - lastConnectedNanos >= settings.resetAfterNanos()) {
            step = 0;
        }
        owesWait = end.isPresent() && RetryRules.continuesOutage(end.get().code());
        last = null;
    }

    private void pause(Backoff backoff, Optional<Duration> asked, Deque<IOException> failures, Object target)
            throws InterruptedIOException {
        long nanos = backoff.delayNanos(step, jitter);
        step = Math.min(step + 1, Backoff.LAST_DOUBLING);
        if (asked.isPresent()) {
            // At least what the server asked, but never more than the longest wait the caller allows.
            long askedNanos = Math.min(Checks.toNanosSaturated(asked.get()), Checks.toNanosSaturated(backoff.max()));
            nanos = Math.max(nanos, askedNanos);
        }
        try {
            clock.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            owesWait = true;
            throw withEarlier(new InterruptedIOException("Interrupted while waiting " + Durations.format(Duration.ofNanos(nanos))
                    + " to reconnect to " + target), failures);
        }
    }

    private static <E extends IOException> E withEarlier(E failure, Deque<IOException> earlier) {
        for (IOException e : earlier) {
            if (e != failure) {
                failure.addSuppressed(e);
            }
        }
        return failure;
    }
}
