package dev.framewire;

import java.net.http.HttpHeaders;
import java.util.Map;
import java.util.Objects;

/**
 * The server answered the opening handshake, but did not switch to the WebSocket protocol:
 * a status other than 101 (401, 403, 404, 500, a 200 from a plain web server), or a 101 with
 * headers that do not complete a WebSocket upgrade.
 *
 * <p>{@link #statusCode()} and {@link #headers()} are the server's response, so a caller can,
 * for example, read {@code WWW-Authenticate} after a 401 and retry with credentials.
 */
public final class HandshakeException extends WebSocketException {

    private static final long serialVersionUID = 1L;

    /** The HTTP status of the server's response. */
    private final int statusCode;
    private final transient HttpHeaders headers;

    /**
     * Creates an exception for a refused handshake.
     *
     * @param statusCode the HTTP status the server answered with
     * @param headers    the response headers
     * @param message    what happened
     * @param cause      the JDK's exception, or {@code null}
     */
    public HandshakeException(int statusCode, HttpHeaders headers, String message, Throwable cause) {
        super(message, cause);
        this.statusCode = statusCode;
        this.headers = Objects.requireNonNull(headers, "headers");
    }

    /** {@return the HTTP status code of the server's response} */
    public int statusCode() {
        return statusCode;
    }

    /** {@return the headers of the server's response (empty after deserialization)} */
    public HttpHeaders headers() {
        return headers != null ? headers : HttpHeaders.of(Map.of(), (name, value) -> true);
    }
}
