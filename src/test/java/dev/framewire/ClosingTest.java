package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.WireFrame;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/closing.md: how {@code close()} and {@code close(code, reason)} end a connection (checked on
 * the wire by a scripted peer), and that every later exception says what really ended it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClosingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A peer that reads the client's Close and never answers it. */
    private static ScriptedServer silentCloser() throws Exception {
        return ScriptedServer.start(c -> {
            c.readUntil(WireFrame.CLOSE);
            c.awaitClientClosed(Duration.ofSeconds(30));
        });
    }

    @Test
    void anInterruptedCloseAbortsAtOnceAndEveryLaterExceptionSaysItWasInterrupted() throws Exception {
        try (ScriptedServer server = silentCloser()) {
            FrameSocket ws = FrameSocket.newBuilder().closeTimeout(Duration.ofSeconds(10)).connect(server.uri());
            CompletableFuture<Boolean> closer = new CompletableFuture<>();
            Thread closing = new Thread(() -> {
                ws.close();
                closer.complete(Thread.currentThread().isInterrupted());
            }, "closer");
            long start = System.nanoTime();
            closing.start();
            Thread.sleep(300);
            closing.interrupt();
            assertTrue(closer.get(WAIT.toSeconds(), TimeUnit.SECONDS), "close() keeps the interrupt status");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "close() aborted at once, not after 10 s: " + took);

            List<ConnectionClosedException> ends = List.of(
                    assertThrows(ConnectionClosedException.class, () -> ws.readFrame(WAIT)),
                    assertThrows(ConnectionClosedException.class, () -> ws.readMessage(WAIT)),
                    assertThrows(ConnectionClosedException.class, () -> ws.sendText("late")),
                    assertThrows(ConnectionClosedException.class, () -> ws.sendPing("late")));
            for (ConnectionClosedException end : ends) {
                String message = end.getMessage();
                assertTrue(message.contains("close() was interrupted while waiting for the peer's Close"), message);
                assertFalse(message.contains("did not arrive within"), message);
                assertTrue(end.initiatedLocally(), "this side ended it");
                assertEquals(1006, end.closeStatus().code());
            }
            ws.close(); // does nothing now
            server.awaitScripts(WAIT);
        }
    }

    @Test
    void aCloseThatRunsOutOfTimeSaysSoWithTheTimeout() throws Exception {
        try (ScriptedServer server = silentCloser()) {
            FrameSocket ws = FrameSocket.newBuilder().closeTimeout(Duration.ofMillis(300)).connect(server.uri());
            ws.close();
            ConnectionClosedException end = assertThrows(ConnectionClosedException.class, () -> ws.readFrame(WAIT));
            assertTrue(end.getMessage().startsWith("This side closed the connection; the peer's Close did not arrive"
                    + " within 300 ms, so the connection was aborted"), end.getMessage());
            server.awaitScripts(WAIT);
        }
    }

    @Test
    void closeWithACodeAndReasonSendsThemAndWaitsForThePeersClose() throws Exception {
        CompletableFuture<ClientFrame> seen = new CompletableFuture<>();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            ClientFrame close = c.readUntil(WireFrame.CLOSE);
            seen.complete(close);
            c.sendClose(4001, "ok");
            c.awaitClientClosed(WAIT);
        })) {
            FrameSocket ws = FrameSocket.newBuilder().closeTimeout(WAIT).connect(server.uri());
            ws.close(4001, "done here");
            ClientFrame close = seen.get(5, TimeUnit.SECONDS);
            assertEquals(WireFrame.CLOSE, close.opcode());
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
            c.readUntil(WireFrame.CLOSE);
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
