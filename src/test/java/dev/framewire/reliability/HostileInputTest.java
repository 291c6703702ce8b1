package dev.framewire.reliability;

import static dev.framewire.testing.Clients.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.ConnectionClosedException;
import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.Message;
import dev.framewire.Opcode;
import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testing.Refusals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Careless or hostile input from users that ArgumentChecksTest does not already cover: every
 * header the JDK's handshake owns, control characters in header values, surrogates at fragment
 * edges, and use after abort. Each is refused with a message naming the value, before anything
 * is sent; the sockets here do not consume Pongs, so a Ping that slipped out would show.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostileInputTest {

    @RegisterExtension
    static final EchoServerExtension server = new EchoServerExtension();

    private static FrameSocket connect() throws IOException {
        return FrameSocket.newBuilder().pongAutoConsume(false).readTimeout(WAIT).connect(server.uri());
    }

    private static void assertNothingWasSent(FrameSocket ws) throws IOException {
        Refusals.assertNothingWasSent(ws, WAIT);
    }

    private static void assertIae(String mentioned, Executable call) {
        Refusals.assertRefused(IllegalArgumentException.class, mentioned, call);
    }

    // ------------------------------------------------------------------------- headers

    @ParameterizedTest
    @ValueSource(strings = {"Sec-WebSocket-Accept", "Sec-WebSocket-Extensions", "SEC-WEBSOCKET-PROTOCOL",
        "sec-websocket-version", "Content-Length", "Expect", "host", "CONNECTION", "upgrade"})
    void everyHeaderTheHandshakeOwnsIsRefusedInAnyCaseNamingIt(String name) {
        int opened = server.connectionsOpened();
        FrameSocket.Builder b = FrameSocket.newBuilder();
        assertIae(name, () -> b.header(name, "x"));
        assertIae("set by the WebSocket handshake", () -> b.header(name, "x"));
        assertEquals(opened, server.connectionsOpened());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nul\u0000", "del\u007F", "bell\u0007", "cr\r", "lf\n"})
    void headerValuesWithControlCharactersAreRefusedNamingTheCharacter(String value) {
        int control = value.charAt(value.length() - 1);
        assertIae(String.format("U+%04X", control), () -> FrameSocket.newBuilder().header("X-Test", value));
    }

    @Test
    void headerValuesBeyondLatin1AreRefusedButTabsAndLatin1AreAccepted() throws IOException {
        assertIae("U+20AC", () -> FrameSocket.newBuilder().header("X-Test", "price \u20ac"));
        try (FrameSocket ws = FrameSocket.newBuilder().header("X-Test", "a\tb").connect(server.uri())) {
            assertEquals("a\tb", server.lastRequestHeader("X-Test"));
            assertTrue(ws.isOpen());
        }
    }

    // ------------------------------------------------------------------------- surrogates

    @Test
    void aLoneLowSurrogateStartingAFirstFrameIsRefused() throws IOException {
        try (FrameSocket ws = connect()) {
            assertIae("U+DC00", () -> ws.sendFrame("\uDC00abc", false));
            assertNothingWasSent(ws);
        }
    }

    @Test
    void aFrameOfOnlyAHighSurrogateIsCompletedByTheNextFrameEvenWithAPingBetween() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("\uD83D", false);
            ws.sendPing("between");
            ws.sendFrame("\uDE00", true);
            StringBuilder text = new StringBuilder();
            Frame frame;
            do {
                frame = ws.readFrame(WAIT);
                if (frame.opcode() != Opcode.PONG) {
                    text.append(frame.text());
                }
            } while (frame.opcode() == Opcode.PONG || !frame.isFinal());
            assertEquals("\uD83D\uDE00", text.toString());
            assertNothingWasSent(ws);
        }
    }

    @Test
    void anEmptyFinalFrameAfterAHeldHighSurrogateIsRefusedSayingWhatIsMissing() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("a\uD83D", false);
            assertIae("low surrogate", () -> ws.sendFrame("", true));
            // The message can still be finished properly.
            ws.sendFrame("\uDE00b", true);
            Message echo = ws.readMessage(WAIT);
            assertEquals("a\uD83D\uDE00b", echo.text());
            assertNothingWasSent(ws);
        }
    }

    // ------------------------------------------------------------------------- use after abort

    @Test
    void everyCallAfterAbortReportsTheEndAndCloseStaysQuiet() throws IOException {
        FrameSocket ws = connect();
        ws.abort();
        ws.abort();
        assertFalse(ws.isOpen());
        assertEquals(1006, ws.closeStatus().orElseThrow().code());
        assertThrows(ConnectionClosedException.class, () -> ws.sendText("x"));
        assertThrows(ConnectionClosedException.class, () -> ws.sendFrame("x", false));
        assertThrows(ConnectionClosedException.class, () -> ws.sendBinary(ByteBuffer.allocate(1)));
        assertThrows(ConnectionClosedException.class, () -> ws.sendPing("x"));
        assertThrows(ConnectionClosedException.class, () -> ws.sendPong(ByteBuffer.allocate(1)));
        assertThrows(ConnectionClosedException.class, () -> ws.ping(WAIT));
        assertThrows(ConnectionClosedException.class, () -> ws.sendClose(1000, ""));
        assertThrows(ConnectionClosedException.class, () -> ws.readFrame(WAIT));
        assertThrows(ConnectionClosedException.class, () -> ws.readMessage(WAIT));
        ws.close();
        ws.close();
        assertEquals(1006, ws.closeStatus().orElseThrow().code());
        // Bad arguments are still named first: the check comes before anything else.
        assertIae("126", () -> ws.sendPing("p".repeat(126)));
    }
}
