package dev.framewire.internal.reconnect;

import dev.framewire.CloseStatus;
import dev.framewire.HandshakeException;
import dev.framewire.internal.Completions;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;

/**
 * What a reconnecting loop retries, what continues an outage, and how long a server asked it to
 * wait. docs/reconnecting.md has the same rules as a table; keep the two in step.
 */
public final class RetryRules {

    /**
     * Refusals that say "not now" rather than "not you": request timeout, too many requests, and
     * the server or a gateway in front of it failing or overloaded.
     */
    private static final Set<Integer> TRANSIENT_STATUSES = Set.of(408, 429, 500, 502, 503, 504);

    /**
     * Ends that say the server or the path to it went away, so the next connection should back
     * off: going away, abnormal (no Close: dropped, keepalive, aborted), internal error, service
     * restart, try again later, bad gateway.
     */
    private static final Set<Integer> OUTAGE_CLOSE_CODES = Set.of(
            CloseStatus.GOING_AWAY, CloseStatus.ABNORMAL_CLOSURE, CloseStatus.INTERNAL_ERROR,
            CloseStatus.SERVICE_RESTART, CloseStatus.TRY_AGAIN_LATER, CloseStatus.BAD_GATEWAY);

    private RetryRules() {
    }

    /**
     * {@return whether another attempt may succeed where {@code failure} failed}: an I/O failure
     * (refused, reset, unreachable, unknown host), a connect timeout, a refused upgrade with a
     * transient status, or a TLS handshake the peer cut short. Not: any other refused upgrade, a
     * TLS failure of trust or configuration (an untrusted certificate, a name mismatch, no common
     * protocol), an executor of the {@code HttpClient} that rejected a task, or an interrupt.
     */
    public static boolean isTransient(IOException failure) {
        if (failure instanceof HandshakeException refused) {
            return TRANSIENT_STATUSES.contains(refused.statusCode());
        }
        if (failure instanceof InterruptedIOException && !(failure instanceof SocketTimeoutException)) {
            return false;
        }
        if (Completions.find(RejectedExecutionException.class, failure) != null) {
            // The HttpClient's executor refused a task: the executor is shut down, or java.net.http
            // has stopped the client (JDK-8277969), so every attempt on it fails the same way, and
            // an unlimited reconnector would retry forever.
            return false;
        }
        if (Completions.find(SSLException.class, failure) != null) {
            // The same certificate or protocol fails the same way again; only a handshake cut off
            // underneath (EOF, reset) is the network's doing.
            return Completions.find(CertificateException.class, failure) == null
                    && (Completions.find(EOFException.class, failure) != null || Completions.find(SocketException.class, failure) != null);
        }
        return true;
    }

    /** {@return whether a connection that ended with {@code code} leaves the server's outage going on} */
    public static boolean continuesOutage(int code) {
        return OUTAGE_CLOSE_CODES.contains(code);
    }

    /**
     * {@return the wait a refused upgrade asked for in its {@code Retry-After} header}: delay
     * seconds, or an HTTP date (zero when it has passed). Empty for other failures, and for a
     * missing or unreadable header.
     *
     * @param now the wall-clock time, for an HTTP date
     */
    public static Optional<Duration> retryAfter(IOException failure, Instant now) {
        if (!(failure instanceof HandshakeException refused)) {
            return Optional.empty();
        }
        Optional<String> header = refused.headers().firstValue("Retry-After").map(String::trim);
        if (header.isEmpty() || header.get().isEmpty()) {
            return Optional.empty();
        }
        String value = header.get();
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.of(value.length() > 18 ? Duration.ofSeconds(Long.MAX_VALUE) : Duration.ofSeconds(Long.parseLong(value)));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeException unreadable) {
            return Optional.empty();
        }
    }
}
