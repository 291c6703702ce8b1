package dev.framewire.internal.send;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.connection.ConnectionOnFake;
import dev.framewire.testing.Background;
import dev.framewire.testing.FakeWebSocket;
import dev.framewire.testing.FakeWebSocket.Send;

import java.io.ByteArrayOutputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.Writer;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@code sendWriter()} and {@code sendStream()} on the fake: the frames their writes, flushes and
 * closes become, and how they are named when they keep other sends out.
 */
class SendStreamsTest {

    private final FakeWebSocket ws = new FakeWebSocket().autoComplete(true);
    private final OutboundSender sender = new OutboundSender(ws, new ConnectionState(), null, how -> { }, ConnectionOnFake.LOG,
            new SendCounts(), ConnectionOnFake.EVENTS);

    private List<String> sent() {
        return ws.sends().stream().map(Send::toString).toList();
    }

    @Test
    void aWriterSendsTheSliceOfAStringItIsGivenAcrossFragments() throws Exception {
        String text = "<" + "x".repeat(TextSendWriter.FRAGMENT_CHARS - 1) + "yz>";
        try (Writer writer = TextSendWriter.open(sender)) {
            writer.write(text, 1, text.length() - 2);
        }
        assertEquals(2, ws.sendCount());
        assertEquals("x".repeat(TextSendWriter.FRAGMENT_CHARS - 1) + "y", ws.send(0).text);
        assertEquals("z", ws.send(1).text);
    }

    @Test
    void aWriterSendsTheSliceOfACharArrayItIsGivenAcrossFragments() throws Exception {
        char[] chars = ("<" + "x".repeat(TextSendWriter.FRAGMENT_CHARS - 1) + "yz>").toCharArray();
        try (Writer writer = TextSendWriter.open(sender)) {
            writer.write(chars, 1, chars.length - 2);
        }
        assertEquals(2, ws.sendCount());
        assertEquals("x".repeat(TextSendWriter.FRAGMENT_CHARS - 1) + "y", ws.send(0).text);
        assertEquals("z", ws.send(1).text, "the second fragment starts where the first ended in the slice");
    }

    @Test
    void aWritersFlushSendsWhatIsBufferedAsANonFinalFrame() throws Exception {
        Writer writer = TextSendWriter.open(sender);
        writer.write("ab");
        writer.flush();
        assertEquals(List.of("TEXT \"ab\" more"), sent());
        writer.write(new char[] {'-', 'c', '-'}, 1, 1);
        writer.close();
        assertEquals(List.of("TEXT \"ab\" more", "TEXT \"c\" last"), sent());
    }

    @Test
    void anOpenStreamIsNamedInTheRefusalsItCauses() throws Exception {
        Writer writer = TextSendWriter.open(sender);
        IllegalStateException text = assertThrows(IllegalStateException.class, () -> sender.sendText("x", true, true));
        assertTrue(text.getMessage().startsWith("Cannot send while a sendWriter() message is open"), text.getMessage());
        writer.close();
        OutputStream out = BinarySendStream.open(sender);
        IllegalStateException binary = assertThrows(IllegalStateException.class, () -> TextSendWriter.open(sender));
        assertEquals("Cannot open a sendWriter() message while a sendStream() message is open: close() it first",
                binary.getMessage());
        out.write(7);
        out.write(new byte[] {0, 8, 9, 0}, 1, 2);
        out.flush();
        out.close();
        assertEquals(List.of("TEXT \"\" last", "BINARY 3 bytes more", "BINARY 0 bytes last"), sent());
    }

    /** The bytes of {@code n} frames from {@code first} on, joined: what the peer gets of them. */
    private byte[] joined(int first, int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = first; i < first + n; i++) {
            out.writeBytes(ws.send(i).bytes);
        }
        return out.toByteArray();
    }

    private static byte[] pattern(int length) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (i * 31 + (i >> 8));
        }
        return data;
    }

    /** Runs {@code call} on this thread, interrupted: it must throw InterruptedIOException and keep the status, then cleared. */
    private static InterruptedIOException interruptedCall(Background.Call call) {
        Thread.currentThread().interrupt();
        try {
            return assertThrows(InterruptedIOException.class, call::run);
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt status is kept");
        }
    }

    @Test
    void aRefusedCloseOfAWriterEndingInAHighSurrogateLeavesItOpenToBeFinished() throws Exception {
        Writer writer = TextSendWriter.open(sender);
        writer.write("ab\uD83D");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, writer::close);
        assertEquals("Cannot finish a sendWriter() message that ends with a high surrogate (U+D83D) without its low"
                + " surrogate: nothing was sent, and the writer stays open to write it and close() again",
                refused.getMessage());
        assertEquals(List.of(), sent(), "nothing was sent");
        assertThrows(IllegalArgumentException.class, writer::close, "refused again, not silently done");
        assertTrue(assertThrows(IllegalStateException.class, () -> sender.sendText("x", true, true)).getMessage()
                .startsWith("Cannot send while a sendWriter() message is open"), "the message is still open");
        writer.write("\uDE00");
        writer.close();
        assertEquals(List.of("TEXT \"ab\uD83D\uDE00\" last"), sent());
        sender.sendText("after", true, true);
        writer.close(); // closed now: does nothing
        assertEquals(List.of("TEXT \"ab\uD83D\uDE00\" last", "TEXT \"after\" last"), sent());
    }

    @Test
    void aRefusedCloseAfterAFlushedHighSurrogateLeavesTheWriterOpenToo() throws Exception {
        Writer writer = TextSendWriter.open(sender);
        writer.write("a\uD83D");
        writer.flush(); // the high surrogate is held back for the next frame
        assertThrows(IllegalArgumentException.class, writer::close);
        writer.write("\uDE00");
        writer.close();
        assertEquals(List.of("TEXT \"a\" more", "TEXT \"\uD83D\uDE00\" last"), sent());
    }

    @Test
    void aWriteWithAnUnpairedSurrogateIsRefusedAndTakesNothingOfTheCall() throws Exception {
        Writer writer = TextSendWriter.open(sender);
        writer.write("x\uD83D");
        IllegalArgumentException notLow = assertThrows(IllegalArgumentException.class, () -> writer.write("y"));
        assertEquals("The previous write to a sendWriter() message ended with a high surrogate (U+D83D); this write"
                + " must start with its low surrogate, but starts with U+0079: nothing of it was taken",
                notLow.getMessage());
        writer.write("\uDE00");
        IllegalArgumentException lone = assertThrows(IllegalArgumentException.class,
                () -> writer.write(new char[] {'-', 'a', '\uDC00', 'b'}, 1, 3));
        assertEquals("Text has an unpaired surrogate at index 1 (U+DC00) of this write to a sendWriter() message:"
                + " nothing of it was taken", lone.getMessage());
        writer.write("ok");
        writer.close();
        assertEquals(List.of("TEXT \"x\uD83D\uDE00ok\" last"), sent());
    }

    @Test
    void aStreamWhoseFinalFrameWasInterruptedBeforeTheJdkHadItIsStillOpenAndLosesNothing() throws Exception {
        OutputStream out = BinarySendStream.open(sender);
        out.write(new byte[] {1, 2, 3});
        InterruptedIOException interrupted = interruptedCall(() -> {
            out.close();
            return null;
        });
        assertEquals(0, interrupted.bytesTransferred, "close() takes no bytes of its own");
        assertEquals(List.of(), sent(), "the final frame never reached the JDK");
        assertThrows(IllegalStateException.class, () -> sender.sendText("x", true, true));
        out.close();
        assertEquals(List.of("BINARY 3 bytes last"), sent());
        assertArrayEquals(new byte[] {1, 2, 3}, ws.send(0).bytes);
        sender.sendText("after", true, true);
    }

    @Test
    void anInterruptedWriteSaysHowMuchOfItTheStreamTookAndTheRestCanFollow() throws Exception {
        int frame = BinarySendStream.FRAGMENT_BYTES;
        byte[] data = pattern(2 * frame + 5);
        OutputStream out = BinarySendStream.open(sender);
        InterruptedIOException interrupted = interruptedCall(() -> {
            out.write(data);
            return null;
        });
        assertEquals(frame, interrupted.bytesTransferred, "the first fragment filled the buffer; its frame never left");
        assertEquals(0, ws.sendCount());
        out.write(data, frame, data.length - frame);
        out.close();
        assertEquals(List.of("BINARY " + frame + " bytes more", "BINARY " + frame + " bytes more", "BINARY 5 bytes last"),
                sent());
        assertArrayEquals(data, joined(0, 3));
    }

    @Test
    void aWriteInterruptedWhileTheJdkWritesAFrameCountsThatFrameAsTaken() throws Exception {
        int frame = BinarySendStream.FRAGMENT_BYTES;
        byte[] data = pattern(3 * frame + 7);
        FakeWebSocket slow = new FakeWebSocket();
        OutboundSender slowSender = new OutboundSender(slow, new ConnectionState(), null, how -> { }, ConnectionOnFake.LOG,
            new SendCounts(), ConnectionOnFake.EVENTS);
        OutputStream out = BinarySendStream.open(slowSender);
        Background writer = Background.start("writer", () -> {
            try {
                out.write(data);
                return "not interrupted";
            } catch (InterruptedIOException e) {
                Thread.interrupted();
                return e;
            }
        });
        FakeWebSocket.spinUntil(() -> slow.sendCount() == 1, "the first frame reached the JDK");
        writer.parked().thread.interrupt();
        InterruptedIOException interrupted = (InterruptedIOException) writer.result();
        assertTrue(interrupted.getMessage().contains("the send goes on in the background"), interrupted.getMessage());
        assertEquals(frame, interrupted.bytesTransferred, "the frame the JDK was writing is the stream's, not the caller's");
        assertFalse(slow.send(0).future.isDone());
        slow.autoComplete(true);
        slow.send(0).complete();
        out.write(data, frame, data.length - frame);
        out.close();
        assertEquals(4, slow.sendCount(), "the frame the JDK had, then two full ones and the rest");
        ByteArrayOutputStream peer = new ByteArrayOutputStream();
        slow.sends().forEach(send -> peer.writeBytes(send.bytes));
        assertArrayEquals(data, peer.toByteArray(), "nothing lost, nothing twice");
    }

    @Test
    void aWritersInterruptedWriteCountsChars() throws Exception {
        int frame = TextSendWriter.FRAGMENT_CHARS;
        String text = "é".repeat(frame) + "\uD83D\uDE00z";
        Writer writer = TextSendWriter.open(sender);
        InterruptedIOException interrupted = interruptedCall(() -> {
            writer.write(text);
            return null;
        });
        assertEquals(frame, interrupted.bytesTransferred);
        writer.write(text, frame, text.length() - frame);
        writer.close();
        assertEquals(List.of("TEXT \"" + "é".repeat(frame) + "\" more", "TEXT \"\uD83D\uDE00z\" last"), sent());
    }
}
