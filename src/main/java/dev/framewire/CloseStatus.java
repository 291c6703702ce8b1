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
 * @param code   the status code, 0 to 65535: one of the constants of this class, such as
 *               {@value #NORMAL_CLOSURE}, or an application's code from 3000 to 4999
 * @param reason the reason, never {@code null}: the UTF-8 text after the code in the Close
 *               frame (at most 123 bytes on the wire); empty when the peer gave none, and in the
 *               {@value #NO_STATUS_RECEIVED} and {@value #ABNORMAL_CLOSURE} that framewire reports
 * @serial exclude
 */
public record CloseStatus(int code, String reason) implements Serializable {

    // The codes of RFC 6455 section 7.4.1 and the IANA registry that a client meets. The JDK lets a
    // client send 1000, 1001, 1008 and 1011 of these (and 3000 to 4999); it receives them all.

    /** 1000: the purpose of the connection was fulfilled. A client may send it. */
    public static final int NORMAL_CLOSURE = 1000;
    /** 1001: an endpoint is going away (server shutdown, page left). A client may send it. */
    public static final int GOING_AWAY = 1001;
    /** 1002: the endpoint ends the connection because of a protocol error. */
    public static final int PROTOCOL_ERROR = 1002;
    /** 1003: the endpoint received a type of data it cannot accept (say, binary where it takes only text). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** 1005: the peer's Close frame carried no status code; never sent on the wire. */
    public static final int NO_STATUS_RECEIVED = 1005;
    /** 1006: the connection ended without a Close frame; never sent on the wire. */
    public static final int ABNORMAL_CLOSURE = 1006;
    /** 1007: a message's data was not consistent with its type (invalid UTF-8 in a text message). */
    public static final int INVALID_PAYLOAD_DATA = 1007;
    /** 1008: a message violated the endpoint's policy; framewire sends it for a message over {@code maxMessageSize}. A client may send it. */
    public static final int POLICY_VIOLATION = 1008;
    /** 1009: a message was too big to process (the JDK does not let a client send it: framewire sends 1008). */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** 1010: the client expected the server to negotiate an extension it did not. */
    public static final int MANDATORY_EXTENSION = 1010;
    /** 1011: the server met an unexpected condition. A client may send it. */
    public static final int INTERNAL_ERROR = 1011;
    /** 1012: the server is restarting; reconnecting later may succeed. */
    public static final int SERVICE_RESTART = 1012;
    /** 1013: the server is overloaded: try again later. */
    public static final int TRY_AGAIN_LATER = 1013;
    /** 1014: a gateway or proxy received an invalid response from the server behind it. */
    public static final int BAD_GATEWAY = 1014;

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
     * Returns the status code: the two bytes at the start of the Close frame's payload, or
     * {@value #NO_STATUS_RECEIVED} when the frame had none, or {@value #ABNORMAL_CLOSURE} when
     * the connection ended without a Close frame. Compare it with the constants of this class.
     *
     * @return the status code, 0 to 65535
     */
    @Override
    public int code() {
        return code;
    }

    /**
     * Returns the reason: the UTF-8 text that follows the code in the Close frame, as the peer
     * (or this side) wrote it. It is for people, not programs: decide on {@link #code()}.
     *
     * @return the reason, never {@code null}; empty when there was none
     */
    @Override
    public String reason() {
        return reason;
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

    /**
     * Returns the code, and the reason in quotes when there is one: {@code 1000 "done"}, or
     * {@code 1006} alone.
     *
     * @return the code and the reason, as a person reads them
     */
    @Override
    public String toString() {
        return reason.isEmpty() ? String.valueOf(code) : code + " \"" + reason + "\"";
    }
}
