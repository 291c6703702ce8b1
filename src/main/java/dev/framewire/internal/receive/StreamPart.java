package dev.framewire.internal.receive;

import dev.framewire.Opcode;

/**
 * One part of a message read as a stream ({@code readMessageStream}): its payload as bytes.
 *
 * @param type  {@link Opcode#TEXT} or {@link Opcode#BINARY}: the type of the whole message
 * @param bytes the payload (UTF-8 for text), owned by the stream now
 * @param last   whether this is the message's last part
 * @param stream which stream of the connection the part belongs to, for {@link InboundReader#abandonStream}
 */
public record StreamPart(Opcode type, byte[] bytes, boolean last, long stream) {
}
