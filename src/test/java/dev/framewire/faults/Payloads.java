package dev.framewire.faults;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The content of numbered messages, computed from the number alone, so the server (another JVM)
 * and the client agree on every byte without sending checksums: a received message is checked by
 * recomputing it from the number it carries.
 */
final class Payloads {

    private Payloads() {
    }

    /** A text message of {@code size} ASCII characters that starts with {@code seq:N:}. */
    static String text(long seq, int size) {
        StringBuilder text = new StringBuilder(size).append("seq:").append(seq).append(':');
        for (int i = text.length(); i < size; i++) {
            text.append((char) ('a' + (int) ((seq * 7 + i * 13L + i / 97) % 26)));
        }
        text.setLength(size);
        return text.toString();
    }

    /** A binary message of {@code size} bytes (at least 8) whose first 8 bytes are {@code seq}. */
    static byte[] binary(long seq, int size) {
        byte[] bytes = new byte[size];
        for (int i = 8; i < size; i++) {
            bytes[i] = (byte) (seq * 31 + i * 7L + (i >>> 8));
        }
        ByteBuffer.wrap(bytes).putLong(0, seq);
        return bytes;
    }

    /** The number a text made by {@link #text} carries, or -1 if it carries none. */
    static long seqOf(String text) {
        if (!text.startsWith("seq:")) {
            return -1;
        }
        int end = text.indexOf(':', 4);
        try {
            return Long.parseLong(text.substring(4, end < 0 ? text.length() : end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The number a payload made by {@link #binary} carries. */
    static long seqOf(byte[] binary) {
        return binary.length < 8 ? -1 : ByteBuffer.wrap(binary).getLong(0);
    }

    /** Bytes of a text, for comparing prefixes. */
    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
