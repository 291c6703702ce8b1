package dev.framewire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A whole text or binary message: the data frames of one message, joined.
 *
 * <p>Returned by {@link FrameSocket#readMessage()}. A message is immutable. {@link #text()} of a
 * binary message decodes it as UTF-8 (malformed input replaced), and {@link #bytes()} of a text
 * message is its UTF-8 encoding.
 */
public final class Message {

    private final String text;   // non-null exactly for TEXT
    private final byte[] bytes;  // non-null exactly for BINARY

    /** Takes ownership of {@code bytes}: callers inside the package pass a fresh array. */
    Message(String text, byte[] bytes) {
        this.text = text;
        this.bytes = bytes;
    }

    /**
     * {@return a text message}
     *
     * @param text the text
     * @throws NullPointerException if {@code text} is {@code null}
     */
    public static Message ofText(String text) {
        return new Message(Objects.requireNonNull(text, "text"), null);
    }

    /**
     * {@return a binary message holding a copy of {@code bytes}}
     *
     * @param bytes the payload
     * @throws NullPointerException if {@code bytes} is {@code null}
     */
    public static Message ofBinary(byte[] bytes) {
        return new Message(null, Objects.requireNonNull(bytes, "bytes").clone());
    }

    /** {@return {@link Opcode#TEXT} or {@link Opcode#BINARY}} */
    public Opcode type() {
        return text != null ? Opcode.TEXT : Opcode.BINARY;
    }

    /** {@return the text of a text message, or a binary payload decoded as UTF-8} */
    public String text() {
        return text != null ? text : new String(bytes, StandardCharsets.UTF_8);
    }

    /** {@return a new array holding the payload: the UTF-8 encoding of a text message, or the bytes as received} */
    public byte[] bytes() {
        return text != null ? text.getBytes(StandardCharsets.UTF_8) : bytes.clone();
    }

    /** {@return the payload as a read-only buffer, without copying a binary payload} */
    public ByteBuffer payload() {
        return ByteBuffer.wrap(text != null ? text.getBytes(StandardCharsets.UTF_8) : bytes).asReadOnlyBuffer();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && Objects.equals(text, m.text) && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return text != null ? "Message[TEXT, " + text.length() + " chars]" : "Message[BINARY, " + bytes.length + " bytes]";
    }
}
