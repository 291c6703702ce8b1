package dev.framewire.internal;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;

import java.time.Duration;

/**
 * How a connection ended: the status, a sentence for the exception message, the failure behind
 * it (if any), and whether this side started the end.
 * The receive queue carries it behind its last part ({@code receive.EndOfInput}).
 *
 * <p>A fresh {@link ConnectionClosedException} is built for every throw so each carries the stack
 * of the call that saw the end.
 *
 * @param status  how it ended
 * @param message what happened, for people
 * @param cause   the failure behind it, or {@code null}
 * @param local   whether this side started the end
 */
public record Ending(CloseStatus status, String message, Throwable cause, boolean local) {

    /** {@return an ending without a Close frame from the peer (1006) that this side caused: an abort} */
    public static Ending localAbort(String message, Throwable cause) {
        return withoutClose(message, cause, true);
    }

    /** {@return an ending without a Close frame from the peer (1006): it vanished, or the connection failed} */
    public static Ending dropped(String message, Throwable cause) {
        return withoutClose(message, cause, false);
    }

    /** {@return the end {@code close()} makes when the peer's Close did not arrive within {@code closeTimeout}} */
    public static Ending closeTimedOut(Duration closeTimeout) {
        return localAbort("This side closed the connection; the peer's Close did not arrive within "
                + Durations.format(closeTimeout) + ", so the connection was aborted", null);
    }

    /**
     * {@return the end {@code close()} makes when its thread is interrupted while it waits for the
     * peer's Close}: the peer may still have answered, so nothing is said of it.
     */
    public static Ending closeInterrupted() {
        return localAbort("This side closed the connection; close() was interrupted while waiting for the peer's"
                + " Close, so the connection was aborted", null);
    }

    /** {@return an ending without a Close frame from the peer (1006)} */
    public static Ending withoutClose(String message, Throwable cause, boolean local) {
        return new Ending(new CloseStatus(CloseStatus.ABNORMAL_CLOSURE, ""), message, cause, local);
    }

    /** {@return an exception to throw for this ending} */
    public ConnectionClosedException toException() {
        return new ConnectionClosedException(status, message, cause, local);
    }
}
