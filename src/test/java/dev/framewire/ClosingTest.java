package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.ScriptedConnection;
import dev.framewire.testing.ScriptedServer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/closing.md: how {@code close()} ends a connection, and that every later exception says
 * what really ended it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClosingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A peer that reads the client's Close and never answers it. */
    private static ScriptedServer silentCloser() throws Exception {
        return ScriptedServer.start(c -> {
            c.readUntil(ScriptedConnection.CLOSE);
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
}
