package dev.framewire.internal.receive;

import dev.framewire.CloseStatus;
import dev.framewire.Opcode;

/**
 * Makes the public values a read returns out of what was received. The facade implements it,
 * because only its package may wrap a payload in a {@code Frame} or {@code Message} without
 * copying it; the read engine stays free of the public types' constructors.
 *
 * @param <F> the frame type
 * @param <M> the message type
 */
public interface ReadResults<F, M> {

    /**
     * {@return a frame}; the arrays and strings passed are the frame's own from now on
     *
     * @param opcode the frame's opcode as the reader sees it
     * @param last   whether it is the last part of its message (always true for control frames)
     * @param text   the text of a text part, else {@code null}
     * @param bytes  the payload of a binary part, Ping or Pong, else {@code null}
     * @param close  the status of a CLOSE frame, else {@code null}
     */
    F frame(Opcode opcode, boolean last, String text, byte[] bytes, CloseStatus close);

    /** {@return a text message} */
    M textMessage(String text);

    /** {@return a binary message that owns {@code bytes}} */
    M binaryMessage(byte[] bytes);
}
