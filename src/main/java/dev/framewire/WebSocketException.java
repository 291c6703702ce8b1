package dev.framewire;

import java.io.IOException;

/**
 * The base of every exception framewire throws for a WebSocket failure.
 *
 * <p>It is an {@link IOException}, so code that already handles I/O failures handles these
 * too. The subtypes say what happened: {@link HandshakeException} (the server refused the
 * upgrade), {@link ReadTimeoutException} (nothing arrived in time; the connection is still
 * usable), {@link ConnectionClosedException} (the connection has ended),
 * {@link MessageTooLargeException} and {@link SendTimeoutException}. A plain
 * {@code WebSocketException} reports a connection that could not be established (refused,
 * unreachable, timed out, TLS failure); its cause is the JDK's exception.
 */
public class WebSocketException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what happened
     */
    public WebSocketException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what happened
     * @param cause   the underlying failure, or {@code null}
     */
    public WebSocketException(String message, Throwable cause) {
        super(message, cause);
    }
}
