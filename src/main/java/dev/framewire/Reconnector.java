package dev.framewire;

import dev.framewire.internal.Checks;
import dev.framewire.internal.connection.Settings;
import dev.framewire.internal.handshake.Uris;
import dev.framewire.internal.reconnect.Backoff;
import dev.framewire.internal.reconnect.RetryClock;
import dev.framewire.internal.reconnect.RetryLoop;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Opens connections to one URI again and again, waiting and retrying while the server is away.
 * Made by {@link FrameSocket.Builder#reconnector(URI)}, with the builder's settings as they were
 * at that moment.
 *
 * <pre>{@code
 * Reconnector reconnector = FrameSocket.newBuilder()
 *         .header("Authorization", "Bearer my-token")
 *         .keepAlive(Duration.ofSeconds(20), Duration.ofSeconds(10))
 *         .reconnector(uri)
 *         .backoff(Duration.ofMillis(500), Duration.ofSeconds(30))
 *         .maxAttempts(10);
 * while (running) {
 *     try (FrameSocket ws = reconnector.connect()) {    // waits and retries while the server is away
 *         ws.sendText(subscribe);                         // a new connection knows nothing: subscribe again
 *         while (running) {
 *             handle(ws.readMessage());
 *         }
 *     } catch (ConnectionClosedException ended) {
 *         // go round: connect() backs off first if the connection dropped
 *     }
 * }
 * }</pre>
 *
 * <h2>What is retried</h2>
 * An attempt that fails <em>transiently</em> is retried after a wait: a failure to reach the
 * server at all (refused, reset, unreachable, unknown host; a plain {@link WebSocketException}),
 * a connect timeout, a TLS handshake the peer cut short, and a refused upgrade
 * ({@link HandshakeException}) with status 408, 429, 500, 502, 503 or 504. Anything else fails at
 * once: another refused upgrade (401, 403, 404, …), a TLS failure of trust or configuration (an
 * untrusted certificate, a host name that does not match, no common protocol), an
 * {@link IllegalArgumentException}, and an interrupt.
 *
 * <h2>How long it waits</h2>
 * Exponential backoff with full jitter: the wait before the {@code n}th retry of an outage
 * ({@code n} from 0) is random between zero and {@code min(max, initial × 2^n)}. A refused upgrade
 * with {@code Retry-After} (seconds, or an HTTP date) makes the next wait at least that long, but
 * never longer than the backoff's {@code max}: {@code max} is the longest wait there ever is.
 *
 * <h2>Outages span calls</h2>
 * When the connection {@code connect()} returned last has ended with 1001 (going away), 1006 (no
 * Close: dropped, the keepalive gave up, or aborted), 1011, 1012 (service restart), 1013 (try
 * again later) or 1014, the next {@code connect()} waits the backoff before its first attempt,
 * and the backoff goes on growing from where it was. A connection that lasted at least
 * {@link #resetAfter(Duration) resetAfter} (by default the backoff's {@code max}) ends the outage:
 * the backoff starts again from {@code initial}. A connection's life is counted from the
 * {@code connect()} that returned it to the next {@code connect()} call. After a normal end (1000,
 * or another code) the next call connects at once; so does the first call.
 *
 * <h2>Watching it</h2>
 * Each failed attempt is one INFO line of the {@code dev.framewire} logger, with its cause and the
 * wait before the next ({@code Reconnector ws://127.0.0.1:8095/: attempt 3 refused (nothing
 * listens on 127.0.0.1:8095); next in 1.7 s}); so is the wait after a dropped connection, and a
 * connect that succeeds after failures; giving up is a WARNING. Stack traces only at TRACE.
 * {@link #onAttempt(Consumer)} hands each {@link Attempt} to code of yours, and each attempt is a
 * JDK Flight Recorder event {@code dev.framewire.ReconnectAttempt} ({@code docs/observing.md}).
 * When the attempts run out, the exception says how many there were over how long, with the
 * last failure as its cause.
 *
 * <h2>Threads</h2>
 * A reconnector is thread-safe. Calls to {@code connect()} are serialized: a second caller waits,
 * interruptibly, for the first to return. Settings changed while a {@code connect()} runs take
 * effect from the next call.
 */
public final class Reconnector {

    private static final Backoff DEFAULT_BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    private final Settings settings; // the builder's, frozen when it made this reconnector
    private final URI uri;
    private final ReentrantLock connecting = new ReentrantLock(); // guards reconnection
    private final RetryLoop<FrameSocket> reconnection;
    private volatile Backoff backoff = DEFAULT_BACKOFF;
    private volatile int maxAttempts;     // 0: no limit
    private volatile Duration resetAfter; // null: the backoff's max
    private volatile Consumer<? super Attempt> onAttempt = attempt -> { };

    /**
     * One attempt of {@link #connect()}, as {@link #onAttempt(Consumer)} is told of it.
     *
     * @param number   the attempt's number within its {@code connect()} call, from 1
     * @param duration how long the attempt took (the TCP connect, TLS and the upgrade), without
     *                 any wait before it
     * @param failure  why it failed; empty if it connected
     * @param retryIn  the wait before the next attempt; empty if none follows: the attempt
     *                 connected, or its failure is not transient, or it was the last one allowed
     */
    public record Attempt(int number, Duration duration, Optional<IOException> failure, Optional<Duration> retryIn) {

        /**
         * Checks the values.
         *
         * @param number   the attempt's number, from 1
         * @param duration how long it took
         * @param failure  why it failed; empty if it connected
         * @param retryIn  the wait before the next attempt; empty if none follows
         * @throws IllegalArgumentException if {@code number} is not positive
         * @throws NullPointerException     if a value is {@code null}
         */
        public Attempt {
            Checks.requireArgument(number > 0, "Expected a positive attempt number: %d", number);
            Checks.requireNonNull(duration, "duration");
            Checks.requireNonNull(failure, "failure");
            Checks.requireNonNull(retryIn, "retryIn");
        }

        /** {@return whether this attempt opened the connection} */
        public boolean connected() {
            return failure.isEmpty();
        }
    }

    /** For {@link FrameSocket.Builder#reconnector(URI)}, which hands over its settings. */
    Reconnector(Settings settings, URI uri) {
        this(settings, uri, RetryClock.SYSTEM, Backoff.Jitter.FULL);
    }

    /** With a clock and jitter of a test's own, so that no test sleeps through a real backoff. */
    Reconnector(Settings settings, URI uri, RetryClock clock, Backoff.Jitter jitter) {
        this.settings = settings;
        this.uri = Uris.requireWebSocketUri(uri);
        this.reconnection = new RetryLoop<>(clock, jitter, FrameSocket::closeStatus);
    }

    /**
     * Sets the backoff: the wait before the {@code n}th retry of an outage is random between zero
     * and {@code min(max, initial × 2^n)} (full jitter). Default: 500 ms and 30 seconds.
     *
     * @param initial the ceiling of the first wait
     * @param max     the ceiling of every wait, {@code Retry-After} included
     * @return this reconnector
     * @throws IllegalArgumentException if a duration is zero or negative, or {@code initial} is
     *                                  longer than {@code max}
     * @throws NullPointerException     if a duration is {@code null}
     */
    public Reconnector backoff(Duration initial, Duration max) {
        this.backoff = new Backoff(initial, max);
        return this;
    }

    /**
     * Sets how many attempts one {@link #connect()} makes at most, the first one included, before
     * it gives up: it then throws an exception that says how many attempts it made over how long,
     * with the last failure as its cause. Default: no limit.
     *
     * @param attempts a positive count
     * @return this reconnector
     * @throws IllegalArgumentException if {@code attempts} is zero or negative
     */
    public Reconnector maxAttempts(int attempts) {
        Checks.requireArgument(attempts > 0, "Expected a positive maxAttempts: %d", attempts);
        this.maxAttempts = attempts;
        return this;
    }

    /**
     * Sets how long a connection must last to end an outage, so that the next wait starts again
     * from the backoff's {@code initial}. Default: the backoff's {@code max}.
     *
     * @param lifetime a positive duration
     * @return this reconnector
     * @throws IllegalArgumentException if {@code lifetime} is zero or negative
     * @throws NullPointerException     if {@code lifetime} is {@code null}
     */
    public Reconnector resetAfter(Duration lifetime) {
        this.resetAfter = Checks.requirePositive(lifetime, "resetAfter");
        return this;
    }

    /**
     * Sets the code told of each attempt {@link #connect()} makes, as it ends: whether it
     * connected, why not, and how long the wait before the next one is. For metrics, a status
     * line ("reconnecting in 3 s"), or a log of your own. Default: nothing is told.
     *
     * <p>{@code listener} runs on the thread that called {@code connect()}, after the attempt and
     * before the wait that follows it, so it should return quickly. It is called for every
     * attempt, the one that connects included. What it throws is logged (WARNING) and otherwise
     * ignored: a failing listener does not stop the reconnecting. A call replaces the listener
     * set before; it takes effect from the next {@code connect()}.
     *
     * @param listener told of each attempt
     * @return this reconnector
     * @throws NullPointerException if {@code listener} is {@code null}
     */
    public Reconnector onAttempt(Consumer<? super Attempt> listener) {
        this.onAttempt = Checks.requireNonNull(listener, "listener");
        return this;
    }

    /** {@return the URI every connection goes to} */
    public URI uri() {
        return uri;
    }

    /**
     * Opens a connection, blocking until one is open: waits first if the connection returned last
     * dropped or was ended by a server going away (see the class description), then retries
     * transient failures with backoff.
     *
     * @return the open connection; the caller owns it and closes it
     * @throws HandshakeException       if the server refused the upgrade with a status that is not
     *                                  transient, or with a transient one on the last attempt
     * @throws WebSocketException       if no connection could be made and the failure is not
     *                                  transient (TLS trust), or the attempts ran out: then its
     *                                  message says how many attempts were made over how long, and
     *                                  its cause is the last attempt's failure (a
     *                                  {@link HandshakeException} with the last refusal's status and
     *                                  headers if that was a refused upgrade)
     * @throws InterruptedIOException   if the thread was interrupted while connecting or waiting
     *                                  (its interrupt status is kept)
     * @throws IllegalArgumentException if the builder's settings and the URI do not go together
     * @throws IOException              for any other failure; the failures of earlier attempts of
     *                                  this call (up to 16, the latest) are attached as suppressed
     */
    public FrameSocket connect() throws IOException {
        try {
            connecting.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while another thread was connecting to " + uri);
        }
        Consumer<? super Attempt> listener = onAttempt;
        RetryLoop.Observer observer = (number, tookNanos, failure, retryInNanos) -> listener.accept(new Attempt(number,
                Duration.ofNanos(tookNanos), Optional.ofNullable(failure),
                retryInNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(retryInNanos))));
        try {
            return reconnection.connect(() -> FrameSocket.open(settings, uri),
                    new RetryLoop.Settings(backoff, maxAttempts, resetAfter, observer), uri);
        } finally {
            connecting.unlock();
        }
    }

    @Override
    public String toString() {
        return "Reconnector[" + uri + ", " + backoff + (maxAttempts > 0 ? ", maxAttempts " + maxAttempts : "") + "]";
    }
}
