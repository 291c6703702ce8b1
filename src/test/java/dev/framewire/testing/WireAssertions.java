package dev.framewire.testing;

import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.WireFrame;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Assertions about the frames a client sent, as a {@link RecordingPeer} received them, with
 * failure messages that say which frame and which byte differ.
 */
public final class WireAssertions {

    private WireAssertions() {
    }

    /** Asserts that the client sent exactly {@code expected}, frame for frame. */
    public static void assertFrames(List<ClientFrame> expected, List<ClientFrame> actual) {
        if (expected.size() != actual.size()) {
            throw new AssertionError("expected " + expected.size() + " frames but got " + actual.size() + ": "
                    + actual + " instead of " + expected);
        }
        for (int i = 0; i < expected.size(); i++) {
            assertFrame("frame #" + i, expected.get(i), actual.get(i));
        }
    }

    private static void assertFrame(String which, ClientFrame expected, ClientFrame actual) {
        if (expected.opcode() != actual.opcode() || expected.fin() != actual.fin() || actual.rsv() != 0) {
            throw new AssertionError(which + ": expected " + expected + " but got " + actual);
        }
        String difference = GeneratedPayloads.difference(expected.payload(), actual.payload());
        if (difference != null) {
            throw new AssertionError(which + " (" + actual + "): " + difference);
        }
    }

    /**
     * Asserts that the client sent {@code expected} as one message with control frames among its
     * frames, allowing each data frame of {@code expected} to have gone out as several wire frames
     * (the JDK cuts text longer than its 16 KiB buffer): the data between two control frames must be
     * the same bytes, the data frames of the message must be typed and flagged as one message, and
     * each frame of a text message must hold whole characters, well-formed UTF-8 on its own.
     */
    public static void assertSameMessage(List<ClientFrame> expected, List<ClientFrame> actual) {
        List<ClientFrame> data = actual.stream().filter(frame -> frame.opcode() < WireFrame.CLOSE).toList();
        for (int i = 0; i < data.size(); i++) {
            ClientFrame frame = data.get(i);
            int opcode = i == 0 ? expected.stream().filter(f -> f.opcode() < WireFrame.CLOSE)
                    .findFirst().orElseThrow().opcode() : WireFrame.CONTINUATION;
            if (frame.opcode() != opcode || frame.fin() != (i == data.size() - 1) || frame.rsv() != 0) {
                throw new AssertionError("data frame #" + i + " of " + data.size() + " is " + frame
                        + ": expected opcode " + opcode + ", FIN on the last one only: " + actual);
            }
            if (data.get(0).opcode() == WireFrame.TEXT) {
                assertWellFormedUtf8("data frame #" + i + " of " + data.size(), frame.payload());
            }
        }
        List<ClientFrame> expectedRuns = joinData(expected);
        List<ClientFrame> actualRuns = joinData(actual);
        if (expectedRuns.size() != actualRuns.size()) {
            throw new AssertionError("expected " + expected + " but got " + actual);
        }
        for (int i = 0; i < expectedRuns.size(); i++) {
            ClientFrame want = expectedRuns.get(i);
            ClientFrame got = actualRuns.get(i);
            String difference = want.opcode() == got.opcode() ? GeneratedPayloads.difference(want.payload(), got.payload())
                    : "expected " + want + " but got " + got;
            if (difference != null) {
                throw new AssertionError((want.opcode() < WireFrame.CLOSE ? "the data" : "the control frame")
                        + " at #" + i + " of " + expectedRuns.size() + " (data runs and control frames): "
                        + difference);
            }
        }
    }

    /** Each run of consecutive data frames joined into one (opcode 0, FIN ignored); control frames as they are. */
    private static List<ClientFrame> joinData(List<ClientFrame> frames) {
        List<ClientFrame> runs = new ArrayList<>();
        ByteArrayOutputStream run = null;
        for (ClientFrame frame : frames) {
            if (frame.opcode() < WireFrame.CLOSE) {
                if (run == null) {
                    run = new ByteArrayOutputStream();
                }
                run.writeBytes(frame.payload());
                continue;
            }
            if (run != null) {
                runs.add(ClientFrame.of(0, false, run.toByteArray()));
                run = null;
            }
            runs.add(frame);
        }
        if (run != null) {
            runs.add(ClientFrame.of(0, false, run.toByteArray()));
        }
        return runs;
    }

    /** Asserts that {@code bytes} is well-formed UTF-8: no character cut, nothing malformed. */
    public static void assertWellFormedUtf8(String what, byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new AssertionError(what + " is not well-formed UTF-8 on its own (" + e + "): "
                    + GeneratedPayloads.describe(bytes), e);
        }
    }

    /** The payloads of {@code frames} joined. */
    public static byte[] joined(List<ClientFrame> frames) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        frames.forEach(frame -> joined.writeBytes(frame.payload()));
        return joined.toByteArray();
    }
}
