package dev.framewire;

import java.util.Objects;

/**
 * The connection has ended, so nothing more can be read or sent.
 *
 * <p>{@link #closeStatus()} says how it ended: the code and reason of the peer's Close frame,
 * {@value CloseStatus#NO_STATUS_RECEIVED} for a Close without a status, or
 * {@value CloseStatus#ABNORMAL_CLOSURE} when the connection ended without a Close from the peer
 * (it vanished, a protocol error, {@link FrameSocket#abort()}, a keepalive or send timeout).
 * In that last case {@link #getCause()} holds the underlying failure when there was one.
 */
public final class ConnectionClosedException extends WebSocketException {

    private static final long serialVersionUID = 1L;

    /** How the connection ended. */
    private final CloseStatus closeStatus;

    /**
     * Creates an exception for an ended connection.
     *
     * @param closeStatus how the connection ended
     * @param message     what happened
     * @param cause       the underlying failure, or {@code null}
     */
    public ConnectionClosedException(CloseStatus closeStatus, String message, Throwable cause) {
        super(message, cause);
        this.closeStatus = Objects.requireNonNull(closeStatus, "closeStatus");
    }

    /** {@return how the connection ended} */
    public CloseStatus closeStatus() {
        return closeStatus;
    }
}
