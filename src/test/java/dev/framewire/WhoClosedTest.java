package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.ServerConnection;
import dev.framewire.testkit.WireFrame;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ConnectionClosedException#initiatedLocally()} and the message that goes with it, for
 * every way a connection ends: this side's sendClose, close(), abort() and a message too large;
 * the peer's Close and a peer that vanishes.
 */
@Timeout(30)
class WhoClosedTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration LINGER = Duration.ofSeconds(5);

    @RegisterExtension
    static final EchoServerExtension echo = new EchoServerExtension();

    private static FrameSocket connectToEcho() throws IOException {
        return FrameSocket.newBuilder().readTimeout(WAIT).connect(echo.uri());
    }

    private static void assertLocal(ConnectionClosedException e) {
        assertTrue(e.initiatedLocally(), e::getMessage);
        assertTrue(e.getMessage().startsWith("This side"), e::getMessage);
    }

    private static void assertByPeer(ConnectionClosedException e) {
        assertFalse(e.initiatedLocally(), e::getMessage);
        assertFalse(e.getMessage().startsWith("This side"), e::getMessage);
    }

    @Test
    void sendCloseThenThePeersAnswer() throws IOException {
        try (FrameSocket ws = connectToEcho()) {
            ws.sendClose(1000, "done");
            assertEquals(Opcode.CLOSE, ws.readFrame().opcode());
            assertLocal(assertThrows(ConnectionClosedException.class, ws::readFrame));
            assertLocal(assertThrows(ConnectionClosedException.class, () -> ws.sendText("late")));
        }
    }

    @Test
    void sendAfterSendCloseIsRefusedAsThisSidesDoing() throws IOException {
        try (FrameSocket ws = connectToEcho()) {
            ws.sendClose(1000, "");
            // Refused because our Close went out ("A Close (1000) was already sent"), or because
            // the peer's answer arrived already ("This side closed the connection; ..."): ours either way.
            ConnectionClosedException refused = assertThrows(ConnectionClosedException.class, () -> ws.sendText("x"));
            assertTrue(refused.initiatedLocally(), refused::getMessage);
        }
    }

    @Test
    void closeThenRead() throws IOException {
        FrameSocket ws = connectToEcho();
        ws.close();
        assertEquals(1000, ws.closeStatus().orElseThrow().code());
        assertLocal(assertThrows(ConnectionClosedException.class, ws::readFrame));
        assertLocal(assertThrows(ConnectionClosedException.class, () -> ws.sendText("late")));
    }

    @Test
    void abort() throws IOException {
        FrameSocket ws = connectToEcho();
        ws.abort();
        assertEquals(CloseStatus.ABNORMAL_CLOSURE, ws.closeStatus().orElseThrow().code());
        assertLocal(assertThrows(ConnectionClosedException.class, ws::readFrame));
    }

    @Test
    void aMessageTooLarge() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).maxMessageSize(4).connect(echo.uri())) {
            ws.sendText("too long");
            assertThrows(MessageTooLargeException.class, ws::readMessage);
            assertEquals(Opcode.CLOSE, ws.readFrame().opcode(), "the peer answers the 1008");
            assertLocal(assertThrows(ConnectionClosedException.class, ws::readFrame));
        }
    }

    @Test
    void thePeersClose() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendClose(1001, "going away");
            c.readUntil(WireFrame.CLOSE);
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(server.uri())) {
            assertEquals(Opcode.CLOSE, ws.readFrame().opcode());
            ConnectionClosedException end = assertThrows(ConnectionClosedException.class, ws::readFrame);
            assertByPeer(end);
            assertTrue(end.getMessage().startsWith("The peer closed the connection"), end.getMessage());
            assertEquals(1001, end.closeStatus().code());
        }
    }

    @Test
    void aPeerThatVanishes() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(ServerConnection::closeTcp);
             FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(server.uri())) {
            ConnectionClosedException end = assertThrows(ConnectionClosedException.class, ws::readFrame);
            assertByPeer(end);
            assertEquals(CloseStatus.ABNORMAL_CLOSURE, end.closeStatus().code());
        }
    }
}
