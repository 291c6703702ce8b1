package dev.framewire.internal.receive;

import dev.framewire.ConnectionClosedException;
import dev.framewire.Opcode;
import dev.framewire.internal.Bytes;
import dev.framewire.internal.Ending;

import java.nio.ByteBuffer;

/**
 * A Ping, a Pong, or the peer's Close, as it goes to a reader.
 *
 * @param opcode  PING, PONG or CLOSE
 * @param payload the payload of a Ping or Pong (owned by this frame), or {@code null} for CLOSE
 * @param closing for CLOSE, how the connection ended with it; else {@code null}
 */
public record ControlFrame(Opcode opcode, byte[] payload, Ending closing) implements Inbound {

    /** {@return a Ping or Pong holding a copy of the remaining bytes of {@code lent}} */
    static ControlFrame copyOf(Opcode opcode, ByteBuffer lent) {
        return new ControlFrame(opcode, Bytes.copyOf(lent), null);
    }

    /** {@return the peer's Close, which ended the connection as {@code closing} says} */
    static ControlFrame close(Ending closing) {
        return new ControlFrame(Opcode.CLOSE, null, closing);
    }

    @Override
    public <F> F toFrame(ReadResults<F, ?> results) {
        return closing != null
                ? results.frame(Opcode.CLOSE, true, null, null, closing.status())
                : results.frame(opcode, true, null, payload, null);
    }

    /** Pings and Pongs belong to no message: skipped. The peer's Close ends the read. */
    @Override
    public void addTo(MessageAssembler message) throws ConnectionClosedException {
        if (closing != null) {
            throw closing.toException();
        }
    }

    /** Pings and Pongs belong to no message: {@code null}. The peer's Close ends the stream. */
    @Override
    public byte[] streamBytes() throws ConnectionClosedException {
        if (closing != null) {
            throw closing.toException();
        }
        return null;
    }

    @Override
    public boolean keepWhenDiscarding() {
        return closing != null;
    }
}
