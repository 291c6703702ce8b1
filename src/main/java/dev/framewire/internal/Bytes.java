package dev.framewire.internal;

import java.nio.ByteBuffer;

/** Byte arrays made from buffers, for the values that own their payload. */
public final class Bytes {

    /** The one empty payload: an empty array is never changed, so all may share it. */
    public static final byte[] EMPTY = new byte[0];

    private Bytes() {
    }

    /** {@return the remaining bytes of {@code buffer}, copied; its position is not moved} */
    public static byte[] copyOf(ByteBuffer buffer) {
        if (!buffer.hasRemaining()) {
            return EMPTY;
        }
        byte[] copy = new byte[buffer.remaining()];
        buffer.get(buffer.position(), copy);
        return copy;
    }
}
