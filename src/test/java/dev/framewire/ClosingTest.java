package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.framewire.testing.ClientFrame;
import dev.framewire.testing.ScriptedConnection;
import dev.framewire.testing.ScriptedServer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What docs/closing.md promises of {@code close(code, reason)}, checked on the wire by a scripted peer. */
@Timeout(30)
class ClosingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void closeWithACodeAndReasonSendsThemAndWaitsForThePeersClose() throws Exception {
        CompletableFuture<ClientFrame> seen = new CompletableFuture<>();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            ClientFrame close = c.readUntil(ScriptedConnection.CLOSE);
            seen.complete(close);
            c.sendClose(4001, "ok");
            c.awaitClientClosed(WAIT);
        })) {
            FrameSocket ws = FrameSocket.newBuilder().closeTimeout(WAIT).connect(server.uri());
            ws.close(4001, "done here");
            ClientFrame close = seen.get(5, TimeUnit.SECONDS);
            assertEquals(ScriptedConnection.CLOSE, close.opcode());
            assertEquals(4001, ((close.payload()[0] & 0xFF) << 8) | (close.payload()[1] & 0xFF));
            assertEquals("done here", new String(close.payload(), 2, close.payload().length - 2,
                    java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(new CloseStatus(4001, "ok"), ws.closeStatus().orElseThrow(), "close returned once the peer answered");
            assertFalse(ws.isOpen());
            ws.close(1000, "again");   // once ended, does nothing
            ws.close();                // so does close()
            assertThrows(ConnectionClosedException.class, () -> ws.sendText("late"));
        }
    }

    @Test
    void closeRefusesACodeOrReasonBeforeSendingAnything() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendText("still open");
            c.readUntil(ScriptedConnection.CLOSE);
            c.sendClose(1000, "");
        }); FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(server.uri())) {
            IllegalArgumentException code = assertThrows(IllegalArgumentException.class, () -> ws.close(1006, ""));
            assertEquals(true, code.getMessage().contains("1006"), code.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ws.close(1000, "x".repeat(124)));
            assertThrows(NullPointerException.class, () -> ws.close(1000, null));
            assertEquals("still open", ws.readMessage().text(), "nothing was sent, the connection is open");
        }
    }
}
