package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.framewire.testkit.ScriptedServer;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What docs/reading.md promises about the end, against a byte-exact scripted peer: once a read has
 * reported the end of the connection, every later read reports it too, and what a timed-out
 * {@code readMessage} held of an unfinished message comes out before the end ({@code readFrame})
 * or goes with it ({@code readMessage}). Before: {@code readMessage} reported the peer's Close and
 * the next {@code readFrame} returned the half message's first part.
 */
@Timeout(30)
class ReadingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration LINGER = Duration.ofSeconds(5);

    /** A server that sends half a message, waits for the client's word, then closes with 1000. */
    private static ScriptedServer halfAMessageThenClose() throws Exception {
        return ScriptedServer.start(c -> {
            c.sendTextFrame("half-", false);
            c.readFrame(WAIT);
            c.sendClose(1000, "bye");
            c.awaitClientClosed(LINGER);
        });
    }

    private static FrameSocket connect(ScriptedServer server) throws Exception {
        return FrameSocket.newBuilder().readTimeout(WAIT).closeTimeout(Duration.ofMillis(500)).connect(server.uri());
    }

    @Test
    void afterReadMessageReportsTheCloseNoLaterReadReturnsData() throws Exception {
        try (ScriptedServer server = halfAMessageThenClose(); FrameSocket ws = connect(server)) {
            assertThrows(ReadTimeoutException.class, () -> ws.readMessage(Duration.ofMillis(300)));
            ws.sendText("go");
            ConnectionClosedException ended = assertThrows(ConnectionClosedException.class, ws::readMessage);
            assertEquals(new CloseStatus(1000, "bye"), ended.closeStatus());
            assertThrows(ConnectionClosedException.class, ws::readFrame, "the half message went with the end");
            assertThrows(ConnectionClosedException.class, ws::readMessage);
            assertThrows(ConnectionClosedException.class, ws::readMessageStream);
            assertFalse(ws.isOpen());
        }
    }

    @Test
    void readFrameReturnsWhatWasHeldBeforeTheEnd() throws Exception {
        try (ScriptedServer server = halfAMessageThenClose(); FrameSocket ws = connect(server)) {
            assertThrows(ReadTimeoutException.class, () -> ws.readMessage(Duration.ofMillis(300)));
            ws.sendText("go");
            Frame half = ws.readFrame();
            assertEquals(Opcode.TEXT, half.opcode());
            assertEquals("half-", half.text());
            assertFalse(half.isFinal());
            assertEquals(Opcode.CLOSE, ws.readFrame().opcode());
            assertThrows(ConnectionClosedException.class, ws::readFrame);
            assertThrows(ConnectionClosedException.class, ws::readMessage);
        }
    }
    @Test
    void aZeroTimeoutPollsWhatHasArrivedAndNeverWaits() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readFrame(WAIT);                      // "go"
            c.sendText("one");
            c.sendTextFrame("two-", false);
            c.readFrame(WAIT);                      // "rest"
            c.sendContinuation("end", true);
            c.sendBinary(new byte[] {7});
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = connect(server)) {
            ReadTimeoutException nothing = assertThrows(ReadTimeoutException.class, () -> ws.readFrame(Duration.ZERO));
            assertEquals(Duration.ZERO, nothing.timeout());
            assertThrows(ReadTimeoutException.class, () -> ws.readMessage(Duration.ZERO));
            assertThrows(ReadTimeoutException.class, () -> ws.readMessageStream(Duration.ZERO));
            ws.sendText("go");
            assertEquals("one", ws.readMessage().text());
            Frame first = ws.readFrame();           // waits for "two-" to have arrived
            assertEquals("two-", first.text());
            ws.sendText("rest");
            assertEquals("end", ws.readFrame().text());
            Frame binary = ws.readFrame();
            assertEquals(Opcode.BINARY, binary.opcode());
            assertThrows(IllegalArgumentException.class, () -> ws.readFrame(Duration.ofMillis(-1)));
        }
    }

    @Test
    void aZeroTimeoutReadMessageReturnsAMessageThatHasArrivedWhole() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendTextFrame("a", false);
            c.sendContinuation("b", true);
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = connect(server)) {
            Message message = null;
            for (long deadline = System.nanoTime() + WAIT.toNanos(); message == null && System.nanoTime() < deadline; ) {
                try {
                    message = ws.readMessage(Duration.ZERO);
                } catch (ReadTimeoutException notYet) {
                    Thread.sleep(5);
                }
            }
            assertEquals("ab", message == null ? null : message.text());
        }
    }
}
