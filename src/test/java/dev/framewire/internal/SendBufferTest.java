package dev.framewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * When a send stream's buffer goes out as a frame: full, flushed with something in it, or closed;
 * and that a closed stream refuses more. A fake frame sender records the frames.
 */
class SendBufferTest {

    private final List<String> frames = new ArrayList<>();
    private final StringBuilder array = new StringBuilder("....");
    private int replaced;

    private SendBuffer buffer(int capacity) {
        return new SendBuffer(capacity, (length, last) -> frames.add(array.substring(0, length) + (last ? " last" : " more")),
                () -> replaced++, "the test's stream");
    }

    private static SendBuffer.Copy from(String data) {
        return (from, to, n) -> { };
    }

    private void write(SendBuffer b, String data) throws IOException {
        b.write(data.length(), (from, to, n) -> array.replace(to, to + n, data.substring(from, from + n)));
    }

    @Test
    void aFullBufferGoesOutAsANonFinalFrameAndCloseSendsTheRest() throws IOException {
        SendBuffer b = buffer(3);
        write(b, "abcdefg");
        assertEquals(List.of("abc more", "def more"), frames);
        b.close();
        assertEquals(List.of("abc more", "def more", "g last"), frames);
        b.close();
        assertEquals(3, frames.size(), "a second close sends nothing");
    }

    @Test
    void flushSendsOnlyWhatIsBuffered() throws IOException {
        SendBuffer b = buffer(3);
        b.flush();
        assertEquals(List.of(), frames, "nothing buffered: no empty frame");
        write(b, "a");
        b.flush();
        b.flush();
        assertEquals(List.of("a more"), frames);
        b.close();
        assertEquals(List.of("a more", " last"), frames, "close after a flush sends an empty final frame");
    }

    @Test
    void aClosedStreamRefusesWritesAndFlushes() throws IOException {
        SendBuffer b = buffer(3);
        b.close();
        IOException write = assertThrows(IOException.class, () -> write(b, "x"));
        assertEquals("This the test's stream was closed: its message is complete", write.getMessage());
        assertThrows(IOException.class, b::flush);
        assertEquals(List.of(" last"), frames);
    }

    @Test
    void anInterruptedSendGivesTheStreamAFreshArray() throws IOException {
        SendBuffer b = new SendBuffer(2, (length, last) -> {
            throw new InterruptedIOException("interrupted");
        }, () -> replaced++, "s");
        assertThrows(InterruptedIOException.class, () -> b.write(2, from("ab")));
        assertEquals(1, replaced, "the JDK may still read the old array");
    }

    @Test
    void everyCallLeavesTheLockForOtherThreads() throws Exception {
        SendBuffer b = buffer(3);
        write(b, "a");
        b.flush();
        assertThrows(IOException.class, () -> {
            b.close();
            b.flush();
        });
        Background other = Background.start("other", () -> {
            b.close();
            assertThrows(IOException.class, () -> write(b, "late"));
            return "done";
        });
        assertEquals("done", other.result());
    }
}
