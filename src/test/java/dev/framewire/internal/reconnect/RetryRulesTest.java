package dev.framewire.internal.reconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.HandshakeException;
import dev.framewire.WebSocketException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What is transient, what continues an outage, and how Retry-After is read. */
class RetryRulesTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    static HandshakeException refused(int status, String... headerPairs) {
        Map<String, List<String>> map = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < headerPairs.length; i += 2) {
            map.put(headerPairs[i], List.of(headerPairs[i + 1]));
        }
        return new HandshakeException(status, HttpHeaders.of(map, (n, v) -> true), "HTTP " + status, null);
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void refusalsThatMeanNotNowAreTransient(int status) {
        assertTrue(RetryRules.isTransient(refused(status)));
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 301, 400, 401, 403, 404, 426, 501, 505})
    void otherRefusalsAreNot(int status) {
        assertFalse(RetryRules.isTransient(refused(status)));
    }

    @Test
    void failuresToReachTheServerAreTransient() {
        assertTrue(RetryRules.isTransient(new WebSocketException("refused", new ConnectException("Connection refused"))));
        assertTrue(RetryRules.isTransient(new WebSocketException("timed out", new HttpTimeoutException("timed out"))));
        assertTrue(RetryRules.isTransient(new WebSocketException("reset", new SocketException("Connection reset"))));
        assertTrue(RetryRules.isTransient(new IOException("anything else underneath")));
    }

    @Test
    void anExecutorThatRejectedATaskIsNot() {
        // java.net.http has stopped the client (JDK-8277969): an unlimited reconnector would loop forever.
        RejectedExecutionException rejected = new RejectedExecutionException("shut down");
        assertFalse(RetryRules.isTransient(new WebSocketException("rejected", rejected)));
        assertFalse(RetryRules.isTransient(new WebSocketException("closed", new IOException("selector manager closed", rejected))));
    }

    @Test
    void tlsFailuresAreNotUnlessTheHandshakeWasCutShort() {
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(new CertificateException("unable to find valid certification path"));
        assertFalse(RetryRules.isTransient(new WebSocketException("TLS", untrusted)));
        assertFalse(RetryRules.isTransient(new WebSocketException("TLS", new SSLHandshakeException("no cipher suites in common"))));
        assertFalse(RetryRules.isTransient(new WebSocketException("TLS", new IOException(new SSLException("protocol_version")))));

        SSLHandshakeException cut = new SSLHandshakeException("Remote host terminated the handshake");
        cut.initCause(new EOFException("SSL peer shut down incorrectly"));
        assertTrue(RetryRules.isTransient(new WebSocketException("TLS", cut)));
        SSLException reset = new SSLException("Connection reset", new SocketException("Connection reset"));
        assertTrue(RetryRules.isTransient(new WebSocketException("TLS", reset)));
    }

    @Test
    void anInterruptIsNotRetried() {
        assertFalse(RetryRules.isTransient(new InterruptedIOException("interrupted")));
        assertTrue(RetryRules.isTransient(new java.net.SocketTimeoutException("read timed out")));
    }

    @Test
    void outagesAreGoingAwayDroppedAndServerTroubles() {
        for (int code : new int[] {1001, 1006, 1011, 1012, 1013, 1014}) {
            assertTrue(RetryRules.continuesOutage(code), "code " + code);
        }
        for (int code : new int[] {1000, 1002, 1003, 1005, 1007, 1008, 1009, 1010, 1015, 3000, 4000}) {
            assertFalse(RetryRules.continuesOutage(code), "code " + code);
        }
    }

    @Test
    void retryAfterInSecondsOrAsADate() {
        assertEquals(Optional.of(Duration.ofSeconds(7)), RetryRules.retryAfter(refused(503, "Retry-After", "7"), NOW));
        assertEquals(Optional.of(Duration.ofSeconds(0)), RetryRules.retryAfter(refused(503, "retry-after", " 0 "), NOW));
        assertEquals(Optional.of(Duration.ofSeconds(90)),
                RetryRules.retryAfter(refused(429, "Retry-After", "Sun, 1 Mar 2026 12:01:30 GMT"), NOW));
        assertEquals(Optional.of(Duration.ZERO),
                RetryRules.retryAfter(refused(429, "Retry-After", "Sun, 1 Mar 2026 11:00:00 GMT"), NOW), "a date passed");
        assertEquals(Optional.of(Duration.ofSeconds(Long.MAX_VALUE)),
                RetryRules.retryAfter(refused(503, "Retry-After", "99999999999999999999999"), NOW));
        assertEquals(Optional.of(Duration.ofSeconds(999_999_999_999_999_999L)),
                RetryRules.retryAfter(refused(503, "Retry-After", "999999999999999999"), NOW), "18 digits fit a long");
    }

    @Test
    void noOrUnreadableRetryAfterIsIgnored() {
        assertEquals(Optional.empty(), RetryRules.retryAfter(refused(503), NOW));
        assertEquals(Optional.empty(), RetryRules.retryAfter(refused(503, "Retry-After", ""), NOW));
        assertEquals(Optional.empty(), RetryRules.retryAfter(refused(503, "Retry-After", "-5"), NOW));
        assertEquals(Optional.empty(), RetryRules.retryAfter(refused(503, "Retry-After", "soon"), NOW));
        assertEquals(Optional.empty(), RetryRules.retryAfter(new WebSocketException("refused", null), NOW));
    }
}
