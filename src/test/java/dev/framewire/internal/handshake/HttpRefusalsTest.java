package dev.framewire.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * What a refused upgrade is explained as, at the edges of each class of HTTP status: the user
 * learns whether the URI is wrong (2xx), moved (3xx), refused (4xx) or the server failed (5xx).
 */
class HttpRefusalsTest {

    private static final URI URI_ = URI.create("ws://h/x");
    private static final HttpHeaders NONE = HttpHeaders.of(Map.of(), (name, value) -> true);

    private static String explain(int status) {
        return HttpRefusals.explain(URI_, status, NONE, "jdk");
    }

    @Test
    void successStatusesMeanTheUriIsNoWebSocketEndpoint() {
        for (int status : new int[] {200, 299}) {
            assertTrue(explain(status).startsWith("ws://h/x is not a WebSocket endpoint"), explain(status));
        }
        assertTrue(explain(199).startsWith("The server refused the WebSocket upgrade"), explain(199));
    }

    @Test
    void redirectStatusesSayTheUpgradeDoesNotFollowThem() {
        for (int status : new int[] {300, 399}) {
            assertTrue(explain(status).contains("a redirect without a Location"), explain(status));
        }
        HttpHeaders moved = HttpHeaders.of(Map.of("Location", List.of("wss://h/y")), (name, value) -> true);
        assertTrue(HttpRefusals.explain(URI_, 301, moved, "jdk").startsWith("The server redirects ws://h/x to wss://h/y"));
        assertTrue(explain(400).startsWith("The server refused the WebSocket upgrade of ws://h/x: HTTP 400"), explain(400));
    }

    @Test
    void theHeadersThatExplainARefusalAreQuoted() {
        HttpHeaders html = HttpHeaders.of(Map.of("Content-Type", List.of("text/html")), (name, value) -> true);
        assertTrue(HttpRefusals.explain(URI_, 200, html, "jdk").endsWith("answered the upgrade request with HTTP 200 OK"
                + " (Content-Type text/html) instead of 101 Switching Protocols"), HttpRefusals.explain(URI_, 200, html, "jdk"));
        HttpHeaders challenge = HttpHeaders.of(Map.of("WWW-Authenticate", List.of("Bearer realm=\"r\"")), (n, v) -> true);
        assertTrue(HttpRefusals.explain(URI_, 401, challenge, "jdk").contains(
                "; it asks for authentication: WWW-Authenticate: Bearer realm=\"r\"; send credentials with"));
        assertTrue(explain(401).contains(" without a WWW-Authenticate challenge; send credentials with"), explain(401));
        HttpHeaders secret = HttpHeaders.of(Map.of("Location", List.of("wss://u:pw@h/y")), (n, v) -> true);
        assertTrue(HttpRefusals.explain(URI_, 302, secret, "jdk").startsWith("The server redirects ws://h/x to wss://h/y"));
        HttpHeaders broken = HttpHeaders.of(Map.of("Location", List.of("wss://u:pw@h/a b")), (n, v) -> true);
        assertTrue(HttpRefusals.explain(URI_, 302, broken, "jdk").contains("to (a Location that is not a valid URI)"));
        HttpHeaders plain = HttpHeaders.of(Map.of("Location", List.of("/a b")), (n, v) -> true);
        assertTrue(HttpRefusals.explain(URI_, 302, plain, "jdk").contains("to /a b ("));
        assertTrue(HttpRefusals.explain(URI_, 101, NONE, "no Upgrade header").endsWith(
                "with HTTP 101 Switching Protocols but did not complete the WebSocket upgrade: no Upgrade header"));
    }

    @Test
    void onlyServerErrorsAreCalledThat() {
        assertTrue(explain(499).endsWith("HTTP 499"), explain(499));
        assertTrue(explain(500).endsWith("HTTP 500 Internal Server Error (an error of the server)"), explain(500));
    }

    @Test
    void aRetryAfterIsQuotedWithWhatToDo() {
        HttpHeaders seconds = HttpHeaders.of(Map.of("Retry-After", List.of("120")), (n, v) -> true);
        assertEquals("The server refused the WebSocket upgrade of ws://h/x: HTTP 503 Service Unavailable (an error of"
                + " the server); it asks to be tried again later (Retry-After: 120): wait that long before connecting"
                + " again, as a Reconnector does", HttpRefusals.explain(URI_, 503, seconds, "jdk"));
        HttpHeaders date = HttpHeaders.of(Map.of("Retry-After", List.of("Wed, 21 Oct 2026 07:28:00 GMT")), (n, v) -> true);
        assertTrue(HttpRefusals.explain(URI_, 429, date, "jdk").contains(
                "HTTP 429 Too Many Requests; it asks to be tried again later (Retry-After: Wed, 21 Oct 2026 07:28:00 GMT)"));
        HttpHeaders blank = HttpHeaders.of(Map.of("Retry-After", List.of(" ")), (n, v) -> true);
        assertFalse(HttpRefusals.explain(URI_, 503, blank, "jdk").contains("Retry-After"));
        assertFalse(explain(503).contains("Retry-After"), explain(503));
    }
}
