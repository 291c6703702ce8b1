package dev.framewire.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One frame as the client sent it, read by {@link ReceivedFrames#next()} and already unmasked:
 * exactly what went over the wire, which a message-level API would hide.
 *
 * @param opcode the opcode, for example {@link WireFrame#TEXT}
 * @param fin whether the FIN bit was set
 * @param rsv the three RSV bits as a number from 0 to 7 (RSV1 is 4); 0 unless an extension is used
 * @param masked whether the frame was masked, as RFC 6455 requires of every client frame
 * @param payload the unmasked payload; the record does not copy it
 */
public record ClientFrame(int opcode, boolean fin, int rsv, boolean masked, byte[] payload) {

    /**
     * The status code a Close frame without a payload stands for (RFC 6455, section 7.1.5).
     */
    public static final int NO_STATUS_RECEIVED = 1005;

    /**
     * Checks the fields.
     *
     * @param opcode the opcode, 0 to 15
     * @param fin whether the FIN bit was set
     * @param rsv the RSV bits, 0 to 7
     * @param masked whether the frame was masked
     * @param payload the unmasked payload, not copied
     * @throws IllegalArgumentException if {@code opcode} or {@code rsv} is out of range
     */
    public ClientFrame {
        if (opcode < 0 || opcode > 0xF) {
            throw new IllegalArgumentException("an opcode must fit in 4 bits (0 to 15): " + opcode);
        }
        if (rsv < 0 || rsv > 7) {
            throw new IllegalArgumentException("RSV bits are three: a value from 0 to 7, not " + rsv);
        }
        Objects.requireNonNull(payload, "payload");
    }

    /**
     * {@return the frame a correct client sends: masked, no RSV bit} For comparing with what
     * arrived: {@code assertEquals(ClientFrame.of(TEXT, true, bytes), received.next())}.
     *
     * @param opcode the opcode, 0 to 15
     * @param fin whether the FIN bit is set
     * @param payload the unmasked payload
     */
    public static ClientFrame of(int opcode, boolean fin, byte[] payload) {
        return new ClientFrame(opcode, fin, 0, true, payload);
    }

    /**
     * {@return a masked, final text frame carrying {@code text}, as a correct client sends it}
     * @param text the text, in UTF-8 on the wire
     */
    public static ClientFrame text(String text) {
        return of(WireFrame.TEXT, true, WireFrame.utf8(text));
    }

    /**
     * {@return the payload decoded as UTF-8} Lenient, because one fragment of a valid message may
     * end in the middle of a character; malformed input shows up as U+FFFD.
     */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** {@return whether this is a Close, Ping or Pong frame (or a reserved control opcode)} */
    public boolean isControl() {
        return opcode >= WireFrame.CLOSE;
    }

    /**
     * {@return the status code of a Close frame}, or {@value #NO_STATUS_RECEIVED} if it had no payload
     *
     * @throws IllegalStateException if this is not a Close frame
     */
    public int closeCode() {
        requireClose();
        return payload.length < 2 ? NO_STATUS_RECEIVED : (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF);
    }

    /**
     * {@return the reason of a Close frame}, empty if there was none
     *
     * @throws IllegalStateException if this is not a Close frame
     */
    public String closeReason() {
        requireClose();
        return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    private void requireClose() {
        if (opcode != WireFrame.CLOSE) {
            throw new IllegalStateException("not a Close frame: " + this);
        }
    }

    /** Compares payloads by content, so that a whole expected frame can be asserted at once. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ClientFrame that
                && opcode == that.opcode
                && fin == that.fin
                && rsv == that.rsv
                && masked == that.masked
                && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(opcode, fin, rsv, masked, Arrays.hashCode(payload));
    }

    /** Shows short text and close payloads as text, which keeps assertion failures readable. */
    @Override
    public String toString() {
        return "ClientFrame[" + Opcodes.name(opcode) + (fin ? "" : ", not final") + (rsv != 0 ? ", rsv=" + rsv : "")
                + (masked ? "" : ", UNMASKED") + ", " + Opcodes.describe(opcode, payload) + "]";
    }
}
