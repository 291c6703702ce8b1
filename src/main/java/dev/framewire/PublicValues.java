package dev.framewire;

import dev.framewire.internal.ReadResults;

/**
 * Wraps what the read engine received in the public {@link Frame} and {@link Message}, without
 * copying: the engine hands over arrays and strings no one else holds, and only this package may
 * build the values around them without a defensive copy. Stateless.
 */
enum PublicValues implements ReadResults<Frame, Message> {
    INSTANCE;

    @Override
    public Frame frame(Opcode opcode, boolean last, String text, byte[] bytes, CloseStatus close) {
        return close != null ? Frame.ofClose(close) : new Frame(opcode, last, text, bytes, null);
    }

    @Override
    public Message textMessage(String text) {
        return new Message(text, null);
    }

    @Override
    public Message binaryMessage(byte[] bytes) {
        return new Message(null, bytes);
    }
}
