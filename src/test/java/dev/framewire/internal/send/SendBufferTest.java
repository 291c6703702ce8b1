package dev.framewire.internal.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.framewire.testing.Background;

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
        return new SendBuffer(capacity, (length, last, handedOver) -> {
            handedOver.run();
            frames.add(array.substring(0, length) + (last ? " last" : " more"));
        }, () -> replaced++, "the test's stream");
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
    void aFrameInterruptedAfterTheJdkHadItIsGoneAndTheStreamGetsAFreshArray() throws IOException {
        SendBuffer b = new SendBuffer(2, (length, last, handedOver) -> {
            handedOver.run();
            frames.add(array.substring(0, length) + (last ? " last" : " more"));
            throw new InterruptedIOException("interrupted while the JDK writes");
        }, () -> replaced++, "s");
        InterruptedIOException e = assertThrows(InterruptedIOException.class, () -> write(b, "abc"));
        assertEquals(2, e.bytesTransferred, "the frame the JDK has was taken; the third char was not");
        assertEquals(1, replaced, "the JDK may still read the old array");
        assertThrows(InterruptedIOException.class, b::close);
        assertEquals(List.of("ab more", " last"), frames, "the buffer was empty after the frame the JDK had");
        b.close();
        assertEquals(2, frames.size(), "the final frame reached the JDK: the stream is closed");
    }

    @Test
    void aFrameTheJdkNeverHadLeavesTheBufferAsItWas() throws IOException {
        boolean[] refuse = {true};
        SendBuffer b = new SendBuffer(2, (length, last, handedOver) -> {
            if (refuse[0]) {
                throw new InterruptedIOException("interrupted while waiting for the data slot");
            }
            handedOver.run();
            frames.add(array.substring(0, length) + (last ? " last" : " more"));
        }, () -> replaced++, "s");
        InterruptedIOException e = assertThrows(InterruptedIOException.class, () -> write(b, "abc"));
        assertEquals(2, e.bytesTransferred, "the full buffer holds the first two chars");
        assertEquals(0, replaced, "nobody else reads the array");
        assertEquals(0, assertThrows(InterruptedIOException.class, b::flush).bytesTransferred);
        assertEquals(0, assertThrows(InterruptedIOException.class, b::close).bytesTransferred);
        refuse[0] = false;
        write(b, "c");
        b.close();
        assertEquals(List.of("ab more", "c last"), frames);
    }

    @Test
    void aRefusedCheckTakesNothingAndARefusedCloseLeavesTheStreamOpen() throws IOException {
        SendBuffer b = buffer(3);
        write(b, "a");
        assertThrows(IllegalArgumentException.class, () -> b.write(1, () -> {
            throw new IllegalArgumentException("not this");
        }, (from, to, n) -> array.replace(to, to + n, "x")));
        assertThrows(IllegalArgumentException.class, () -> b.close(() -> {
            throw new IllegalArgumentException("not yet");
        }));
        write(b, "b");
        b.close();
        assertEquals(List.of("ab last"), frames);
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
