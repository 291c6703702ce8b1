package dev.framewire;

import java.time.Duration;
import java.util.Objects;

/**
 * A send did not complete within the {@linkplain FrameSocket.Builder#sendTimeout(Duration) send
 * timeout}, typically because the peer stopped reading and the TCP window is full.
 *
 * <p>The connection has been aborted: what was written partly cannot be taken back, so the
 * byte stream is no longer usable. Later calls throw {@link ConnectionClosedException}.
 */
public final class SendTimeoutException extends WebSocketException {

    private static final long serialVersionUID = 1L;

    /** The send timeout that ran out. */
    private final Duration timeout;

    /**
     * Creates an exception for a send that ran out of time.
     *
     * @param message what timed out
     * @param timeout the send timeout
     */
    public SendTimeoutException(String message, Duration timeout) {
        super(message);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** {@return the send timeout that ran out} */
    public Duration timeout() {
        return timeout;
    }
}
