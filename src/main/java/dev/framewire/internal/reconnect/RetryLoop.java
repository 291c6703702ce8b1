package dev.framewire.internal.reconnect;

import dev.framewire.CloseStatus;
import dev.framewire.internal.Checks;
import dev.framewire.internal.Durations;
import dev.framewire.internal.events.ReconnectEvents;

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

    /** Told of each attempt, on the thread of {@code connect()}, before the wait that follows it. */
    @FunctionalInterface
    public interface Observer {

        /** Tells nothing. */
        Observer NONE = (number, tookNanos, failure, retryInNanos) -> { };

        /**
         * Attempt {@code number} (from 1 in this {@code connect()}) took {@code tookNanos}.
         *
         * @param failure      why it failed, or {@code null} if it connected
         * @param retryInNanos the wait before the next attempt, or -1 if none follows
         */
        void attempted(int number, long tookNanos, IOException failure, long retryInNanos);
    }

    /**
     * The settings of one {@code connect()} call.
     *
     * @param backoff     the waits between attempts
     * @param maxAttempts the attempts one call makes at most, the first included; 0 for no limit
     * @param resetAfter  how long a connection must last to end the outage; {@code null} for the
     *                    backoff's max
     * @param observer    told of each attempt
     */
    public record Settings(Backoff backoff, int maxAttempts, Duration resetAfter, Observer observer) {

        /** Settings whose attempts nobody observes. */
        public Settings(Backoff backoff, int maxAttempts, Duration resetAfter) {
            this(backoff, maxAttempts, resetAfter, Observer.NONE);
        }

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
     * @throws IOException            the first failure that is not transient, or, when the attempts
     *                                ran out, one that says how many were made over how long, with
     *                                the last failure as its cause ({@link RetryLog#ranOut}); the
     *                                earlier failures suppressed
     * @throws InterruptedIOException if interrupted while waiting between attempts
     */
    public T connect(Attempt<T> attempt, Settings settings, Object target) throws IOException {
        RetryLog log = new RetryLog(target);
        String uri = String.valueOf(target);
        Optional<CloseStatus> ended = lookAtLast(settings);
        Deque<IOException> failures = new ArrayDeque<>();
        boolean waits = owesWait;
        long waitNanos = 0;
        if (waits) {
            waitNanos = nextWait(settings.backoff(), Optional.empty());
            log.owedWait(ended, waitNanos);
        }
        long firstStart = 0;
        for (int number = 1; ; number++) {
            if (waits) {
                pause(waitNanos, failures, target);
                owesWait = false;
            }
            Object event = ReconnectEvents.attemptBegins();
            long start = clock.nanoTime();
            if (number == 1) {
                firstStart = start;
            }
            T connection;
            try {
                connection = attempt.connect();
            } catch (IOException failure) {
                long end = clock.nanoTime();
                boolean isTransient = RetryRules.isTransient(failure);
                if (!isTransient || (settings.maxAttempts() > 0 && number >= settings.maxAttempts())) {
                    owesWait = isTransient; // the outage goes on into the next call
                    ReconnectEvents.attemptEnds(event, uri, number, "failed", 0, log.briefly(failure));
                    log.givingUp(number, failure, isTransient, end - firstStart);
                    observe(settings, log, number, end - start, failure, -1);
                    throw withEarlier(isTransient ? log.ranOut(failure, number, end - firstStart) : failure, failures);
                }
                failures.addLast(failure);
                if (failures.size() > KEPT_FAILURES) {
                    failures.removeFirst();
                }
                waitNanos = nextWait(settings.backoff(), RetryRules.retryAfter(failure, clock.now()));
                waits = true;
                ReconnectEvents.attemptEnds(event, uri, number, "retrying", waitNanos, log.briefly(failure));
                log.retrying(number, failure, waitNanos);
                observe(settings, log, number, end - start, failure, waitNanos);
                continue;
            }
            last = connection;
            lastConnectedNanos = clock.nanoTime();
            ReconnectEvents.attemptEnds(event, uri, number, "connected", 0, "");
            if (number > 1) {
                log.connected(number, lastConnectedNanos - firstStart);
            }
            observe(settings, log, number, lastConnectedNanos - start, null, -1);
            return connection;
        }
    }

    /** Tells the observer; what it throws is logged, not let out: it must not stop the reconnecting. */
    private static void observe(Settings settings, RetryLog log, int number, long tookNanos, IOException failure,
                                long retryInNanos) {
        try {
            settings.observer().attempted(number, tookNanos, failure, retryInNanos);
        } catch (RuntimeException e) {
            log.callbackFailed(e);
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
    private Optional<CloseStatus> lookAtLast(Settings settings) {
        if (last == null) {
            return Optional.empty();
        }
        Optional<CloseStatus> end = endOf.apply(last);
        if (clock.nanoTime() - lastConnectedNanos >= settings.resetAfterNanos()) {
            step = 0;
        }
        owesWait = end.isPresent() && RetryRules.continuesOutage(end.get().code());
        last = null;
        return end;
    }

    /**
     * {@return the next wait, in nanoseconds}: the backoff's at the current step, which it moves
     * on, and at least what the server {@code asked} (but never more than the backoff's max)
     */
    private long nextWait(Backoff backoff, Optional<Duration> asked) {
        long nanos = backoff.delayNanos(step, jitter);
        step = Math.min(step + 1, Backoff.LAST_DOUBLING);
        if (asked.isPresent()) {
            // At least what the server asked, but never more than the longest wait the caller allows.
            long askedNanos = Math.min(Checks.toNanosSaturated(asked.get()), Checks.toNanosSaturated(backoff.max()));
            nanos = Math.max(nanos, askedNanos);
        }
        return nanos;
    }

    private void pause(long nanos, Deque<IOException> failures, Object target) throws InterruptedIOException {
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
