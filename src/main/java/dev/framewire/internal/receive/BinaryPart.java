package dev.framewire.internal.receive;

import dev.framewire.Opcode;
import dev.framewire.internal.Bytes;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A part of a binary message, copied out of the JDK's buffer on arrival (the JDK reuses its
 * buffers as soon as the listener returns).
 *
 * @param opcode {@link Opcode#BINARY} for the first part of a message, else {@link Opcode#CONTINUATION}
 * @param bytes  the payload, owned by this part
 * @param last   whether this part ends its message
 */
public record BinaryPart(Opcode opcode, byte[] bytes, boolean last) implements Inbound {

    /** {@return a part holding a copy of the remaining bytes of {@code lent}}; its position is not moved */
    static BinaryPart copyOf(Opcode opcode, ByteBuffer lent, boolean last) {
        return new BinaryPart(opcode, Bytes.copyOf(lent), last);
    }

    @Override
    public boolean isData() {
        return true;
    }

    @Override
    public boolean isLast() {
        return last;
    }

    @Override
    public Opcode messageType() {
        return Opcode.BINARY;
    }

    @Override
    public byte[] streamBytes() {
        return bytes;
    }

    @Override
    public <F> F toFrame(ReadResults<F, ?> results) {
        return results.frame(opcode, last, null, bytes, null);
    }

    @Override
    public void addTo(MessageAssembler message) throws IOException {
        message.addBinary(this);
    }
}
