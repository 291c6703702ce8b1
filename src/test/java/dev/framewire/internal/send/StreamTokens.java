package dev.framewire.internal.send;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Send streams for tests of the sender alone: one token per name, which its messages name. */
final class StreamTokens {

    private static final Map<String, SendStream> TOKENS = new ConcurrentHashMap<>();

    private StreamTokens() {
    }

    /** {@return the token called {@code name}: the same one for the same name}; its frames are binary */
    static SendStream named(String name) {
        return TOKENS.computeIfAbsent(name, n -> new SendStream() {
            @Override
            public SentFrame frames() {
                return SentFrame.BINARY_FRAME;
            }

            @Override
            public String toString() {
                return n;
            }
        });
    }
}
