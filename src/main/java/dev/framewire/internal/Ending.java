package dev.framewire.internal;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;

/**
 * How a connection ended: the status, a sentence for the exception message, and the failure
 * behind it, if any. A fresh {@link ConnectionClosedException} is built for every throw so each
 * carries the stack of the call that saw the end.
 *
 * @param status  how it ended
 * @param message what happened, for people
 * @param cause   the failure behind it, or {@code null}
 */
public record Ending(CloseStatus status, String message, Throwable cause) {

    /** {@return an ending for a connection that ended without a Close frame from the peer} */
    public static Ending abnormal(String message, Throwable cause) {
        return new Ending(new CloseStatus(CloseStatus.ABNORMAL_CLOSURE, ""), message, cause);
    }

    /** {@return an exception to throw for this ending} */
    public ConnectionClosedException toException() {
        return new ConnectionClosedException(status, message, cause);
    }
}
