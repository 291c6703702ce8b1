package dev.framewire.internal.handshake;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.Map;

/**
 * The message of a {@code HandshakeException}: what an HTTP answer other than 101 means for a
 * WebSocket client, named by its status, with what to do about it.
 */
final class HttpRefusals {

    /** Reason phrases; java.net.http does not keep the one the server sent. */
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(101, "Switching Protocols"), Map.entry(200, "OK"), Map.entry(204, "No Content"),
            Map.entry(301, "Moved Permanently"), Map.entry(302, "Found"), Map.entry(303, "See Other"),
            Map.entry(307, "Temporary Redirect"), Map.entry(308, "Permanent Redirect"),
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
            Map.entry(407, "Proxy Authentication Required"), Map.entry(408, "Request Timeout"),
            Map.entry(426, "Upgrade Required"), Map.entry(429, "Too Many Requests"),
            Map.entry(500, "Internal Server Error"), Map.entry(502, "Bad Gateway"),
            Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"));

    private HttpRefusals() {
    }

    /** {@return {@code status} with its reason phrase, such as {@code HTTP 404 Not Found}} */
    static String status(int status) {
        String reason = REASONS.get(status);
        return "HTTP " + status + (reason == null ? "" : " " + reason);
    }

    static String explain(URI uri, int status, HttpHeaders headers, String jdkMessage) {
        String answered = status(status);
        if (status == 101) {
            return "The server answered " + uri + " with " + answered + " but did not complete the WebSocket"
                    + " upgrade: " + jdkMessage;
        }
        if (status >= 200 && status < 300) {
            return uri + " is not a WebSocket endpoint: the server answered the upgrade request with " + answered
                    + headers.firstValue("Content-Type").map(type -> " (Content-Type " + type + ")").orElse("")
                    + " instead of 101 Switching Protocols";
        }
        if (status >= 300 && status < 400) {
            return headers.firstValue("Location")
                    .map(location -> "The server redirects " + uri + " to " + redacted(location) + " (" + answered
                            + "); a WebSocket upgrade does not follow redirects: connect to that URI instead,"
                            + " as ws:// or wss://")
                    .orElse("The server answered " + uri + " with " + answered + ", a redirect without a Location;"
                            + " a WebSocket upgrade does not follow redirects");
        }
        if (status == 401) {
            return "The server refused the WebSocket upgrade of " + uri + ": " + answered
                    + headers.firstValue("WWW-Authenticate")
                            .map(challenge -> "; it asks for authentication: WWW-Authenticate: " + challenge)
                            .orElse(" without a WWW-Authenticate challenge")
                    + "; send credentials with Builder.header(\"Authorization\", …)";
        }
        return "The server refused the WebSocket upgrade of " + uri + ": " + answered
                + (status >= 500 ? " (an error of the server)" : "") + retryAfter(headers);
    }

    /**
     * What a {@code Retry-After} header asks (RFC 9110 section 10.2.3: seconds, or an HTTP date),
     * quoted as sent, with what to do; empty when there is none. A 503 or a 429 often carries one,
     * and a user who sees only the message would otherwise retry at once.
     */
    private static String retryAfter(HttpHeaders headers) {
        return headers.firstValue("Retry-After").map(String::trim).filter(value -> !value.isEmpty())
                .map(value -> "; it asks to be tried again later (Retry-After: " + value + "): wait that long"
                        + " before connecting again, as a Reconnector does")
                .orElse("");
    }

    /** A Location with credentials in it is shown without them. */
    private static String redacted(String location) {
        try {
            return Uris.withoutUserInfo(URI.create(location)).toString();
        } catch (IllegalArgumentException notAUri) {
            return location.contains("@") ? "(a Location that is not a valid URI)" : location;
        }
    }
}
