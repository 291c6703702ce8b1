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
import java.util.concurrent.locks.ReentrantLock;

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
     * it gives up and throws the last failure. Default: no limit.
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
     *                                  transient (TLS trust), or the attempts ran out
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
        try {
            return reconnection.connect(() -> FrameSocket.open(settings, uri),
                    new RetryLoop.Settings(backoff, maxAttempts, resetAfter), uri);
        } finally {
            connecting.unlock();
        }
    }

    @Override
    public String toString() {
        return "Reconnector[" + uri + ", " + backoff + (maxAttempts > 0 ? ", maxAttempts " + maxAttempts : "") + "]";
    }
}
