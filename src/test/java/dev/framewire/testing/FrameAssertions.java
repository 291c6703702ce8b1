package dev.framewire.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.Message;
import dev.framewire.Opcode;

import java.io.IOException;
import java.time.Duration;

/**
 * Assertions about the frames and messages a client read, as the black-box tests of the docs
 * pages use them against the Jetty echo server.
 */
public final class FrameAssertions {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private FrameAssertions() {
    }

    /** Asserts a frame's opcode, FIN flag and text. */
    public static void assertFrame(Opcode opcode, boolean fin, String text, Frame frame) {
        assertEquals(opcode, frame.opcode(), () -> "opcode of " + frame);
        assertEquals(fin, frame.isFinal(), () -> "FIN of " + frame);
        assertEquals(text, frame.text(), () -> "text of " + frame);
    }

    /** Asserts a binary frame's opcode, FIN flag and payload. */
    public static void assertBinaryFrame(Opcode opcode, boolean fin, byte[] bytes, Frame frame) {
        assertEquals(opcode, frame.opcode(), () -> "opcode of " + frame);
        assertEquals(fin, frame.isFinal(), () -> "FIN of " + frame);
        assertArrayEquals(bytes, frame.bytes(), () -> "payload of " + frame);
        assertFalse(frame.isText(), () -> "isText of " + frame);
    }

    /** Sends {@code text} to an echo server and asserts that the next message read is its echo. */
    public static void assertRoundTrip(FrameSocket ws, String text) throws IOException {
        ws.sendText(text);
        Message echo = ws.readMessage(WAIT);
        assertEquals(Opcode.TEXT, echo.type());
        assertEquals(text, echo.text());
    }
}
