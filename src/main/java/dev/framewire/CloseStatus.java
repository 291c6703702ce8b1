package dev.framewire;

import java.io.Serializable;
import java.util.Objects;

/**
 * The status code and reason of a WebSocket closing handshake (RFC 6455 section 7.4).
 *
 * <p>A {@code CloseStatus} describes what happened, so it accepts any code from 0 to 65535,
 * including the two that never appear on the wire: {@value #NO_STATUS_RECEIVED} for a Close
 * frame without a status, and {@value #ABNORMAL_CLOSURE} for a connection that ended without
 * any Close frame. Which codes a client may <em>send</em> is checked by
 * {@link FrameSocket#sendClose(int, String)}.
 *
 * @param code   the status code
 * @param reason the reason, never {@code null} (empty when the peer gave none)
 * @serial exclude
 */
public record CloseStatus(int code, String reason) implements Serializable {

    /** 1000: the purpose of the connection was fulfilled. */
    public static final int NORMAL_CLOSURE = 1000;
    /** 1001: an endpoint is going away (server shutdown, page left). */
    public static final int GOING_AWAY = 1001;
    /** 1005: the peer's Close frame carried no status code; never sent on the wire. */
    public static final int NO_STATUS_RECEIVED = 1005;
    /** 1006: the connection ended without a Close frame; never sent on the wire. */
    public static final int ABNORMAL_CLOSURE = 1006;

    /**
     * Creates a close status.
     *
     * @param code   the status code, 0 to 65535
     * @param reason the reason, not {@code null}
     * @throws IllegalArgumentException if {@code code} is not between 0 and 65535
     * @throws NullPointerException     if {@code reason} is {@code null}
     */
    public CloseStatus {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("Close code out of range 0..65535: " + code);
        }
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * {@return a close status with the given code and reason}
     *
     * @param code   the status code
     * @param reason the reason, not {@code null}
     */
    public static CloseStatus of(int code, String reason) {
        return new CloseStatus(code, reason);
    }

    @Override
    public String toString() {
        return reason.isEmpty() ? String.valueOf(code) : code + " \"" + reason + "\"";
    }
}
