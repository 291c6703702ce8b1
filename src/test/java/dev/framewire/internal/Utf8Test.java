package dev.framewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * The UTF-8 arithmetic behind every byte limit (control payloads, close reasons, maxMessageSize):
 * it must agree with the encoder at each width boundary, or a limit is off by a byte.
 */
class Utf8Test {

    @Test
    void lengthsAgreeWithTheEncoderAtEveryWidthBoundary() {
        String[] samples = {"", "\u007F", "\u0080", "\u07FF", "\u0800", "\uFFFF", "\uD7FF", "\uE000",
            "\uD800\uDC00", "\uDBFF\uDFFF", "a\uD83D\uDE00b\u00e9\u20ac"};
        for (String s : samples) {
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, Utf8.encodedLength(s), s);
        }
    }

    @Test
    void anUnpairedSurrogateCountsAsTheThreeBytesOfItsReplacement() {
        assertEquals(3, Utf8.encodedLength("\uD800"), "a high surrogate at the end");
        assertEquals(4, Utf8.encodedLength("\uD800a"), "a high surrogate before a non-surrogate");
        assertEquals(3, Utf8.encodedLength("\uDC00"), "a low surrogate alone");
        assertEquals(6, Utf8.encodedLength("\uDC00\uD800"), "a pair in the wrong order is two replacements");
        assertEquals(7, Utf8.encodedLength("\uD800\uD83D\uDE00"), "a lone high surrogate, then a pair");
    }

    @Test
    void theFirstUnpairedSurrogateIsFound() {
        assertEquals(Utf8.NONE, Utf8.firstUnpairedSurrogate("", false));
        assertEquals(Utf8.NONE, Utf8.firstUnpairedSurrogate("a\uD83D\uDE00b", false));
        assertEquals(1, Utf8.firstUnpairedSurrogate("a\uDE00", false));
        assertEquals(1, Utf8.firstUnpairedSurrogate("a\uD83Db", false));
        assertEquals(0, Utf8.firstUnpairedSurrogate("\uD83D\uD83D\uDE00", false));
        assertEquals(2, Utf8.firstUnpairedSurrogate("\uD83D\uDE00\uDE00", false));
        assertEquals(1, Utf8.firstUnpairedSurrogate("a\uD83D", false));
        assertEquals(Utf8.NONE, Utf8.firstUnpairedSurrogate("a\uD83D", true), "the next fragment may complete it");
        assertEquals(0, Utf8.firstUnpairedSurrogate("\uDE00\uD83D", true), "only a trailing high surrogate waits");
    }
}
