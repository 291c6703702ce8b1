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
 *
 * <p>{@link #initiatedLocally()} says who started the end: this side ({@code sendClose},
 * {@code close()}, {@code abort()}, the keepalive, a send timeout, a message too large) or the
 * peer (its Close, or the connection dropping). The message says the same in words.
 */
public final class ConnectionClosedException extends WebSocketException {

    private static final long serialVersionUID = 1L;

    /** How the connection ended. */
    private final CloseStatus closeStatus;
    /** Whether this side started the end. */
    private final boolean initiatedLocally;

    /**
     * Creates an exception for an ended connection.
     *
     * @param closeStatus      how the connection ended
     * @param message          what happened
     * @param cause            the underlying failure, or {@code null}
     * @param initiatedLocally whether this side started the end
     */
    public ConnectionClosedException(CloseStatus closeStatus, String message, Throwable cause,
                                     boolean initiatedLocally) {
        super(message, cause);
        this.closeStatus = Objects.requireNonNull(closeStatus, "closeStatus");
        this.initiatedLocally = initiatedLocally;
    }

    /** {@return how the connection ended} */
    public CloseStatus closeStatus() {
        return closeStatus;
    }

    /**
     * Tells whether this side started the end: {@code sendClose}, {@code close()},
     * {@code abort()}, the keepalive, a send timeout or a message too large did. It is
     * {@code false} when the peer's Close or a dropped connection did.
     *
     * @return {@code true} if this side started the end, {@code false} if the peer or the network did
     */
    public boolean initiatedLocally() {
        return initiatedLocally;
    }
}
