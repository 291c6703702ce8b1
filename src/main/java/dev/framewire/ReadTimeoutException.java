package dev.framewire;

import java.time.Duration;
import java.util.Objects;

/**
 * Nothing arrived within the timeout of a read (or a {@link FrameSocket#ping(Duration) ping}
 * got no answer in time).
 *
 * <p>The connection stays open and usable: nothing was consumed, and the next read returns
 * what arrives next. A part of a message already gathered by {@code readMessage} is kept for
 * the next call.
 */
public final class ReadTimeoutException extends WebSocketException {

    private static final long serialVersionUID = 1L;

    /** How long the read waited. */
    private final Duration timeout;

    /**
     * Creates an exception for a wait that ran out.
     *
     * @param message what timed out
     * @param timeout how long was waited
     */
    public ReadTimeoutException(String message, Duration timeout) {
        super(message);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** {@return how long the read waited} */
    public Duration timeout() {
        return timeout;
    }
}
