package dev.framewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.internal.FakeWebSocket.Send;

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
    private final OutboundSender sender = new OutboundSender(ws, new ConnectionState(), null, how -> { }, Wiring.TAP);

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
}
