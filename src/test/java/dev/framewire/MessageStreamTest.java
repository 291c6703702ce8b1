package dev.framewire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.TestThreads;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.ServerConnection;
import dev.framewire.testkit.WireFrame;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link MessageStream#close()} against a byte-exact scripted peer: nothing of an abandoned
 * message reaches the next read, whether its parts had arrived (held by a timed-out
 * {@code readMessage}) or not, and a close from another thread returns at once and ends the read
 * it interrupts. Before: the rest of the held message came glued to the next one
 * ({@code "11111111112222222222after"}), and close() waited for the next part to arrive.
 */
@Timeout(30)
class MessageStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration LINGER = Duration.ofSeconds(5);

    private static FrameSocket.Builder client() {
        return FrameSocket.newBuilder().readTimeout(WAIT).closeTimeout(Duration.ofMillis(200));
    }

    private static void fragment(ServerConnection c, boolean text, boolean first, String payload, boolean fin)
            throws IOException {
        int opcode = first ? (text ? WireFrame.TEXT : WireFrame.BINARY) : WireFrame.CONTINUATION;
        c.sendFrame(opcode, fin, payload.getBytes(UTF_8));
    }

    private static String payload(Message message) {
        return message.type() == Opcode.TEXT ? message.text() : new String(message.bytes(), UTF_8);
    }

    @ParameterizedTest(name = "text={0}")
    @ValueSource(booleans = {true, false})
    void anEarlyClosedStreamOverHeldPartsLeavesNothingForTheNextRead(boolean text) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            fragment(c, text, true, "1111111111", false);
            fragment(c, text, false, "2222222222", false);
            fragment(c, text, false, "3333333333", false);
            c.readFrame(WAIT);                      // the client's "go": its readMessage timed out
            fragment(c, text, false, "4444444444", false);
            fragment(c, text, false, "5555555555", true);
            c.sendText("after");
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = client().connect(server.uri())) {
            assertThrows(ReadTimeoutException.class, () -> ws.readMessage(Duration.ofMillis(700)));
            try (MessageStream stream = ws.readMessageStream()) {
                byte[] first = new byte[10];
                assertEquals(10, stream.read(first));
                assertArrayEquals("1111111111".getBytes(UTF_8), first);
            } // closed after its first part, two more parts held, two still to come
            ws.sendText("go");
            assertEquals("after", payload(ws.readMessage()));
            ws.abort();
        }
    }

    @ParameterizedTest(name = "text={0}")
    @ValueSource(booleans = {true, false})
    void anEarlyClosedStreamDropsTheRestAsItArrives(boolean text) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            fragment(c, text, true, "first", false);
            c.readFrame(WAIT);
            fragment(c, text, false, "", false);
            fragment(c, text, false, "rest", true);
            c.sendBinary("after".getBytes(UTF_8));
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = client().connect(server.uri())) {
            MessageStream stream = ws.readMessageStream();
            assertEquals('f', stream.read());
            stream.close();
            ws.sendText("go");
            assertEquals(Opcode.BINARY, ws.readFrame().opcode());
            ws.abort();
        }
    }

    @Test
    void closeFromAnotherThreadReturnsAtOnceAndEndsTheReadItInterrupts() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendTextFrame("first", false);
            c.readFrame(WAIT);                      // "go": sent after the stream was closed
            c.sendContinuation(" and the rest", true);
            c.sendText("after");
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = client().connect(server.uri())) {
            MessageStream stream = ws.readMessageStream();
            assertEquals("first", new String(stream.readNBytes(5), UTF_8));
            CompletableFuture<Throwable> blockedRead = TestThreads.supply(() -> {
                try {
                    stream.read(); // waits for a part that comes only after "go"
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            Thread.sleep(300); // let the read block in the queue
            long start = System.nanoTime();
            stream.close();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMillis < 1_000, "close() from another thread took " + tookMillis + " ms");
            Throwable ended = blockedRead.get(5, TimeUnit.SECONDS);
            IOException closed = assertInstanceOf(IOException.class, ended, "the waiting read ends");
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
            assertThrows(IOException.class, () -> stream.read(), "a closed stream stays closed");

            ws.sendText("go");
            assertEquals("after", ws.readMessage().text(), "the rest of the message was dropped");
            ws.abort();
        }
    }

    @Test
    void closeFromAnotherThreadAfterTheLastPartChangesNothing() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendTextFrame("whole", true);
            c.sendText("next");
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = client().connect(server.uri())) {
            MessageStream stream = ws.readMessageStream();
            CompletableFuture<Void> closedElsewhere = TestThreads.supply(() -> {
                stream.close();
                return null;
            });
            closedElsewhere.get(5, TimeUnit.SECONDS);
            assertEquals("next", ws.readMessage().text(), "a finished message has nothing to drop");
            ws.abort();
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }
}
