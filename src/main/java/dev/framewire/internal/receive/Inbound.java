package dev.framewire.internal.receive;

import dev.framewire.ConnectionClosedException;
import dev.framewire.Opcode;
import dev.framewire.internal.Ending;

import java.io.IOException;

/**
 * What crosses the receive queue, from the JDK's listener to a reader: a part of a text message,
 * a part of a binary message, a control frame, or the end of the connection.
 *
 * <p>Each kind says itself what a read does with it, so the reader dispatches by calling these
 * methods, never by testing types: {@code readFrame} calls {@link #toFrame}, {@code readMessage}
 * calls {@link #addTo}, and a queue that drops unread items calls {@link #discard}.
 */
public sealed interface Inbound permits TextPart, BinaryPart, ControlFrame, EndOfInput, WakeUp {

    /**
     * {@return this item as the frame {@code readFrame} returns}, made by {@code results}. Ends
     * a text part's loan.
     *
     * @throws ConnectionClosedException if this is the end of the connection
     */
    <F> F toFrame(ReadResults<F, ?> results) throws ConnectionClosedException;

    /**
     * Adds this item to the message {@code readMessage} is assembling: a data part joins it,
     * a Ping or Pong is skipped.
     *
     * @throws ConnectionClosedException if this is the peer's Close or the end of the connection
     * @throws IOException               if the message grew too large
     */
    void addTo(MessageAssembler message) throws IOException;

    /**
     * {@return this data part's payload as bytes, for {@code readMessageStream}}: UTF-8 for
     * text (ends a text part's loan); {@code null} for a Ping or Pong, which belong to no message.
     *
     * @throws ConnectionClosedException if this is the peer's Close or the end of the connection
     */
    byte[] streamBytes() throws ConnectionClosedException;

    /** {@return whether this is a part of a data message} */
    default boolean isData() {
        return false;
    }

    /** {@return whether this is the last part of its message; control frames and the end are} */
    default boolean isLast() {
        return true;
    }

    /** {@return {@link Opcode#TEXT} or {@link Opcode#BINARY}: the type of the message a data part belongs to} */
    default Opcode messageType() {
        throw new IllegalStateException("Not a data part: " + this);
    }

    /** {@return whether this is the queue's wake-up marker, which carries nothing ({@link WakeUp})} */
    default boolean isWakeUp() {
        return false;
    }

    /** {@return whether this is the end of the connection, the queue's last item} */
    default boolean isEnd() {
        return false;
    }

    /** {@return whether this item stays when unread data is dropped}: the peer's Close and the end do */
    default boolean keepWhenDiscarding() {
        return false;
    }

    /** Drops this item unread; a text part ends its loan. */
    default void discard() {
    }
}
