package dev.framewire;

import dev.framewire.internal.Bytes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One received part of a WebSocket message, or one control frame.
 *
 * <p>The first part of a message reads as {@link Opcode#TEXT} or {@link Opcode#BINARY}, the
 * following parts as {@link Opcode#CONTINUATION}, and {@link #isFinal()} is {@code true}
 * exactly on the last part. {@link #isText()} tells whether a part belongs to a text message,
 * which a continuation's opcode alone does not say.
 *
 * <p><b>Parts, not wire frames.</b> {@code java.net.http} hands data over in parts: a part never
 * spans two wire frames, but a wire frame larger than the JDK's read buffer (about 16 KiB)
 * arrives as several parts. Message boundaries ({@code isFinal()}) are always exact.
 *
 * <p>A frame is immutable. For data, Ping and Pong frames {@link #text()} and {@link #bytes()}
 * give the payload in either form: the bytes of a text part are its UTF-8 encoding; a binary
 * payload read as text is decoded as UTF-8, with malformed input replaced. A {@link Opcode#CLOSE}
 * frame is the exception: its payload ({@link #bytes()}) is the status code (two bytes,
 * big-endian) followed by the reason in UTF-8, while {@link #text()} is the reason alone;
 * {@link #closeStatus()} gives both parsed. Two frames are equal when their opcode, final flag,
 * payload and close status are.
 */
public final class Frame {


    private final Opcode opcode;
    private final boolean isFinal;
    private final String text;        // non-null exactly when the payload is text
    private final byte[] bytes;       // non-null exactly when the payload is binary or control
    private final CloseStatus closeStatus; // non-null exactly for CLOSE

    /** Takes ownership of {@code bytes}: callers inside the package pass an array no one else holds. */
    Frame(Opcode opcode, boolean isFinal, String text, byte[] bytes, CloseStatus closeStatus) {
        this.opcode = opcode;
        this.isFinal = isFinal;
        this.text = text;
        this.bytes = bytes;
        this.closeStatus = closeStatus;
    }

    /**
     * Creates a part of a text message.
     *
     * @param opcode  {@link Opcode#TEXT} for the first part, {@link Opcode#CONTINUATION} for the rest
     * @param text    the text of this part
     * @param isFinal whether this is the last part of the message
     * @return the frame
     * @throws IllegalArgumentException if {@code opcode} is neither TEXT nor CONTINUATION
     * @throws NullPointerException     if an argument is {@code null}
     */
    public static Frame ofText(Opcode opcode, String text, boolean isFinal) {
        Objects.requireNonNull(text, "text");
        if (opcode != Opcode.TEXT && opcode != Opcode.CONTINUATION) {
            throw new IllegalArgumentException("A text part has opcode TEXT or CONTINUATION, not " + opcode);
        }
        return new Frame(opcode, isFinal, text, null, null);
    }

    /**
     * Creates a part of a binary message, or a PING or PONG frame, copying the remaining bytes
     * of {@code payload} (its position is not changed).
     *
     * @param opcode  BINARY, CONTINUATION, PING or PONG
     * @param payload the payload
     * @param isFinal whether this is the last part of the message; must be {@code true} for PING and PONG
     * @return the frame
     * @throws IllegalArgumentException if {@code opcode} is TEXT or CLOSE, if a control frame is not
     *                                  final, or if a control payload is longer than 125 bytes
     * @throws NullPointerException     if an argument is {@code null}
     */
    public static Frame ofBinary(Opcode opcode, ByteBuffer payload, boolean isFinal) {
        Objects.requireNonNull(payload, "payload");
        return ofOwnedBytes(opcode, Bytes.copyOf(payload), isFinal);
    }

    /**
     * Creates a part of a binary message, or a PING or PONG frame, copying {@code payload}.
     *
     * @param opcode  BINARY, CONTINUATION, PING or PONG
     * @param payload the payload
     * @param isFinal whether this is the last part of the message; must be {@code true} for PING and PONG
     * @return the frame
     * @throws IllegalArgumentException as {@link #ofBinary(Opcode, ByteBuffer, boolean)}
     * @throws NullPointerException     if an argument is {@code null}
     */
    public static Frame ofBinary(Opcode opcode, byte[] payload, boolean isFinal) {
        Objects.requireNonNull(payload, "payload");
        return ofOwnedBytes(opcode, payload.clone(), isFinal);
    }

    /**
     * Creates a CLOSE frame carrying {@code status}.
     *
     * @param status the status; {@value CloseStatus#NO_STATUS_RECEIVED} and
     *               {@value CloseStatus#ABNORMAL_CLOSURE} give an empty payload
     * @return the frame
     * @throws NullPointerException if {@code status} is {@code null}
     */
    public static Frame ofClose(CloseStatus status) {
        Objects.requireNonNull(status, "status");
        return new Frame(Opcode.CLOSE, true, null, closePayload(status), status);
    }

    private static Frame ofOwnedBytes(Opcode opcode, byte[] payload, boolean isFinal) {
        Objects.requireNonNull(opcode, "opcode");
        switch (opcode) {
            case BINARY, CONTINUATION -> { }
            case PING, PONG -> {
                if (!isFinal) {
                    throw new IllegalArgumentException("Control frames must be final: " + opcode);
                }
                if (payload.length > 125) {
                    throw new IllegalArgumentException(
                            "A " + opcode + " payload is at most 125 bytes, not " + payload.length);
                }
            }
            default -> throw new IllegalArgumentException(
                    "A binary part has opcode BINARY, CONTINUATION, PING or PONG, not " + opcode);
        }
        return new Frame(opcode, isFinal, null, payload, null);
    }

    private static byte[] closePayload(CloseStatus status) {
        int code = status.code();
        if (code == CloseStatus.NO_STATUS_RECEIVED || code == CloseStatus.ABNORMAL_CLOSURE) {
            return Bytes.EMPTY;
        }
        byte[] reason = status.reason().getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return payload;
    }

    /** {@return what kind of frame this is} */
    public Opcode opcode() {
        return opcode;
    }

    /** {@return whether this is the last part of its message; always {@code true} for control frames} */
    public boolean isFinal() {
        return isFinal;
    }

    /** {@return whether the payload is text: a TEXT frame, or a CONTINUATION of a text message} */
    public boolean isText() {
        return text != null;
    }

    /**
     * Returns the payload as text: the text of a text part, the reason of a CLOSE frame, and
     * otherwise the payload decoded as UTF-8 (malformed input replaced by U+FFFD).
     *
     * @return the payload as text; empty, never {@code null}, for an empty payload
     */
    public String text() {
        if (text != null) {
            return text;
        }
        if (closeStatus != null) {
            return closeStatus.reason();
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Returns a new array holding the payload: the UTF-8 encoding of a text part, the code and
     * reason of a CLOSE frame as on the wire (empty for 1005 and 1006), otherwise the bytes as
     * received. Each call returns a new copy, which the caller may change.
     *
     * @return the payload's bytes
     */
    public byte[] bytes() {
        return text != null ? text.getBytes(StandardCharsets.UTF_8) : bytes.clone();
    }

    /** {@return the payload as a read-only buffer, without copying binary payloads} */
    public ByteBuffer payload() {
        byte[] data = text != null ? text.getBytes(StandardCharsets.UTF_8) : bytes;
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    /** {@return the status of a CLOSE frame, or empty for any other frame} */
    public Optional<CloseStatus> closeStatus() {
        return Optional.ofNullable(closeStatus);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f
                && opcode == f.opcode
                && isFinal == f.isFinal
                && Objects.equals(text, f.text)
                && Arrays.equals(bytes, f.bytes)
                && Objects.equals(closeStatus, f.closeStatus); // 1005 and 1006 both have an empty payload
    }

    @Override
    public int hashCode() {
        return Objects.hash(opcode, isFinal, text, Arrays.hashCode(bytes), closeStatus);
    }

    @Override
    public String toString() {
        String payload = text != null ? text.length() + " chars"
                : closeStatus != null ? closeStatus.toString()
                : bytes.length + " bytes";
        return "Frame[" + opcode + (isFinal ? ", final, " : ", not final, ") + payload + "]";
    }
}
