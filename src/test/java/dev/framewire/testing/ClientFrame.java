package dev.framewire.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One frame as the client sent it, already unmasked, read by {@link ScriptedConnection#readFrame()}.
 *
 * <p>Kept this raw (opcode, FIN, RSV bits, payload) so that a script can assert exactly what went
 * over the wire, which a message-level API would hide.
 *
 * @param opcode the frame's opcode, for example {@link ScriptedConnection#TEXT}
 * @param fin whether the FIN bit was set
 * @param rsv the three RSV bits as a number from 0 to 7 (RSV1 is 4); 0 unless an extension is used
 * @param payload the unmasked payload; the record does not copy it
 */
public record ClientFrame(int opcode, boolean fin, int rsv, byte[] payload) {

    /** The status code a Close frame without a payload stands for (RFC 6455, section 7.1.5). */
    public static final int NO_STATUS_RECEIVED = 1005;

    /**
     * The payload decoded as UTF-8. Lenient, because one fragment of a valid message may end in
     * the middle of a character; malformed input shows up as U+FFFD.
     */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /**
     * The status code of a Close frame, or {@value #NO_STATUS_RECEIVED} if it had no payload.
     *
     * @throws IllegalStateException if this is not a Close frame
     */
    public int closeCode() {
        requireClose();
        return payload.length < 2 ? NO_STATUS_RECEIVED : (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF);
    }

    /**
     * The reason of a Close frame, empty if there was none.
     *
     * @throws IllegalStateException if this is not a Close frame
     */
    public String closeReason() {
        requireClose();
        return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    private void requireClose() {
        if (opcode != ScriptedConnection.CLOSE) {
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
                && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * opcode + Boolean.hashCode(fin)) + rsv) + Arrays.hashCode(payload);
    }

    /** Shows short text and close payloads as text, which keeps assertion failures readable. */
    @Override
    public String toString() {
        String shown;
        if (opcode == ScriptedConnection.CLOSE) {
            shown = closeCode() + " \"" + closeReason() + '"';
        } else if (opcode == ScriptedConnection.TEXT && payload.length <= 100) {
            shown = '"' + text() + '"';
        } else {
            shown = payload.length + " bytes";
        }
        return "ClientFrame[opcode=" + opcode + ", fin=" + fin + ", rsv=" + rsv + ", " + shown + "]";
    }
}
