package dev.framewire;

/**
 * The kind of a WebSocket frame, with its RFC 6455 opcode.
 *
 * <p>{@link #TEXT} and {@link #BINARY} start a message, {@link #CONTINUATION} carries the
 * following parts of that message, and {@link #CLOSE}, {@link #PING} and {@link #PONG} are
 * control frames, which may arrive or be sent between the parts of a message.
 */
public enum Opcode {
    /** A later part of a text or binary message (opcode 0). */
    CONTINUATION(0x0),
    /** The first (or only) part of a text message (opcode 1). */
    TEXT(0x1),
    /** The first (or only) part of a binary message (opcode 2). */
    BINARY(0x2),
    /** The closing handshake (opcode 8). */
    CLOSE(0x8),
    /** A ping, which the receiver answers with a pong carrying the same payload (opcode 9). */
    PING(0x9),
    /** The answer to a ping, or an unsolicited heartbeat (opcode 10). */
    PONG(0xA);

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    /** {@return the opcode as it appears on the wire: 0, 1, 2, 8, 9 or 10} */
    public int code() {
        return code;
    }

    /** {@return whether this is a control opcode (CLOSE, PING or PONG)} */
    public boolean isControl() {
        return code >= 0x8;
    }

    /**
     * Returns the opcode with the given wire value.
     *
     * @param code the wire value
     * @return the opcode
     * @throws IllegalArgumentException if {@code code} is not one of 0, 1, 2, 8, 9 or 10
     */
    public static Opcode of(int code) {
        return switch (code) {
            case 0x0 -> CONTINUATION;
            case 0x1 -> TEXT;
            case 0x2 -> BINARY;
            case 0x8 -> CLOSE;
            case 0x9 -> PING;
            case 0xA -> PONG;
            default -> throw new IllegalArgumentException("Not a WebSocket opcode: " + code);
        };
    }
}
