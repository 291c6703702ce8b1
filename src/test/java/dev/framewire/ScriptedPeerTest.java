package dev.framewire;

import dev.framewire.testing.TestThreads;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.WireFrame;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What framewire does with byte-exact server behaviour that a well-behaved server like Jetty
 * would not produce: control frames inside a message, unsolicited Pongs, unusual Close frames,
 * invalid UTF-8, and a fast server in front of a slow reader.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScriptedPeerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration LINGER = Duration.ofSeconds(10);

    private static FrameSocket.Builder client() {
        // Most scripts never answer a Close: don't let close() wait its default 5 s for one.
        return FrameSocket.newBuilder().readTimeout(WAIT).closeTimeout(Duration.ofMillis(200));
    }

    @Test
    void serverFragmentedMessageWithAPingBetweenFragmentsReadsAsItsParts() throws Exception {
        CompletableFuture<String> pongSeen = new CompletableFuture<>();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendTextFrame("Hel", false);
            c.sendPing("mid".getBytes(UTF_8));
            c.sendContinuation("lo", false);
            c.sendContinuation(" world", true);
            pongSeen.complete(c.readUntil(WireFrame.PONG).text());
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = client().connect(server.uri())) {
            assertFrame(ws.readFrame(), Opcode.TEXT, false, "Hel");
            assertFrame(ws.readFrame(), Opcode.CONTINUATION, false, "lo");
            Frame last = ws.readFrame();
            assertFrame(last, Opcode.CONTINUATION, true, " world");
            assertTrue(last.isText());
            assertEquals("mid", pongSeen.get(10, TimeUnit.SECONDS), "the JDK answers the Ping with the same payload");
            ws.abort();
            server.awaitScripts(WAIT);
        }
    }

    @Test
    void deliverPingsReturnsThePingBetweenTheFragments() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendTextFrame("Hel", false);
            c.sendPing("mid".getBytes(UTF_8));
            c.sendContinuation("lo", true);
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = client().deliverPings(true).connect(server.uri())) {
            assertFrame(ws.readFrame(), Opcode.TEXT, false, "Hel");
            assertFrame(ws.readFrame(), Opcode.PING, true, "mid");
            assertFrame(ws.readFrame(), Opcode.CONTINUATION, true, "lo");
            ws.abort();
        }
    }

    @Test
    void readMessageSkipsADeliveredPingInsideTheMessage() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendBinaryFrame(new byte[] {1, 2}, false);
            c.sendPing(new byte[] {9});
            c.sendContinuation(new byte[] {3}, true);
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = client().deliverPings(true).connect(server.uri())) {
            Message message = ws.readMessage();
            assertEquals(Opcode.BINARY, message.type());
            assertArrayEquals(new byte[] {1, 2, 3}, message.bytes());
            ws.abort();
        }
    }

    @Test
    void anUnsolicitedPongIsConsumedByDefault() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendPong("heartbeat".getBytes(UTF_8));
            c.sendText("after");
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = client().connect(server.uri())) {
            assertFrame(ws.readFrame(), Opcode.TEXT, true, "after");
            ws.abort();
        }
    }

    @Test
    void anUnsolicitedPongIsReturnedWithoutPongAutoConsume() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendPong("heartbeat".getBytes(UTF_8));
            c.sendText("after");
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = client().pongAutoConsume(false).connect(server.uri())) {
            assertFrame(ws.readFrame(), Opcode.PONG, true, "heartbeat");
            assertFrame(ws.readFrame(), Opcode.TEXT, true, "after");
            ws.abort();
        }
    }

    @Test
    void aCloseWithoutStatusReadsAs1005AndTheJdkAnswers1000() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendCloseWithoutStatus();
            ClientFrame reply = c.readUntil(WireFrame.CLOSE);
            assertEquals(1000, reply.closeCode(), "the JDK answers a Close without status with 1000");
        }); FrameSocket ws = client().connect(server.uri())) {
            Frame close = ws.readFrame();
            assertEquals(Opcode.CLOSE, close.opcode());
            assertEquals(new CloseStatus(1005, ""), close.closeStatus().orElseThrow());
            assertEquals(0, close.bytes().length, "1005 never appears on the wire");
            assertEquals(new CloseStatus(1005, ""), ws.closeStatus().orElseThrow());
            ConnectionClosedException after = assertThrows(ConnectionClosedException.class, ws::readFrame);
            assertEquals(1005, after.closeStatus().code());
            server.awaitScripts(WAIT);
        }
    }

    @Test
    void aServerCloseIsReturnedOnceAndAnsweredWithTheSameCode() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendText("before");
            c.sendClose(4001, "bye");
            ClientFrame reply = c.readUntil(WireFrame.CLOSE);
            assertEquals(4001, reply.closeCode(), "the JDK's automatic reply echoes the code");
        }); FrameSocket ws = client().connect(server.uri())) {
            assertFrame(ws.readFrame(), Opcode.TEXT, true, "before");
            Frame close = ws.readFrame();
            assertEquals(Opcode.CLOSE, close.opcode());
            assertEquals("bye", close.text());
            assertEquals(new CloseStatus(4001, "bye"), ws.closeStatus().orElseThrow());
            assertFalse(ws.isOpen());
            for (int i = 0; i < 2; i++) {
                ConnectionClosedException after = assertThrows(ConnectionClosedException.class, ws::readFrame);
                assertEquals(new CloseStatus(4001, "bye"), after.closeStatus());
            }
            ConnectionClosedException send = assertThrows(ConnectionClosedException.class, () -> ws.sendText("late"));
            assertEquals(4001, send.closeStatus().code());
            server.awaitScripts(WAIT);
        }
    }

    @Test
    void readMessageEndsWithConnectionClosedWhenThePeerCloses() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendClose(1001, "going away");
            c.readUntil(WireFrame.CLOSE);
        }); FrameSocket ws = client().connect(server.uri())) {
            ConnectionClosedException closed = assertThrows(ConnectionClosedException.class, ws::readMessage);
            assertEquals(new CloseStatus(1001, "going away"), closed.closeStatus());
            assertThrows(ConnectionClosedException.class, ws::readFrame, "the CLOSE was consumed by readMessage");
        }
    }

    @Test
    void theLastMessageBeforeATcpCloseIsReadThenThe1006() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readFrame(); // "go": the client is set up
            c.sendText("one");
            c.sendText("two");
            c.closeTcp();
        }); FrameSocket ws = client().connect(server.uri())) {
            ws.sendText("go");
            assertEquals("one", ws.readMessage().text());
            assertEquals("two", ws.readMessage().text());
            ConnectionClosedException end = assertThrows(ConnectionClosedException.class, ws::readFrame);
            assertEquals(1006, end.closeStatus().code());
            assertEquals(1006, ws.closeStatus().orElseThrow().code());
            assertThrows(ConnectionClosedException.class, () -> ws.sendText("late"));
        }
    }

    @Test
    void invalidUtf8FailsTheConnectionAfterTheFramesBeforeIt() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendText("fine");
            c.sendFrame(WireFrame.TEXT, true, new byte[] {(byte) 0xC3, 0x28});
            // The JDK fails the connection: it queues a Close 1007 but also closes the socket at
            // once, so the Close reaches the wire only sometimes.
            try {
                ClientFrame reply = c.readUntil(WireFrame.CLOSE);
                assertEquals(1007, reply.closeCode());
            } catch (EOFException closedFirst) {
                // the socket closed before the Close went out: allowed
            }
        }); FrameSocket ws = client().connect(server.uri())) {
            assertEquals("fine", ws.readMessage().text(), "nothing before the failure is lost");
            ConnectionClosedException failed = assertThrows(ConnectionClosedException.class, ws::readFrame);
            assertEquals(1006, failed.closeStatus().code());
            assertNotNull(failed.getCause(), "the JDK's protocol error is the cause");
            server.awaitScripts(WAIT);
        }
    }

    @Test
    void twentyThousandMessagesReachASlowReaderInOrderWithinTheQueueBound() throws Exception {
        int count = 20_000;
        int capacity = 16;
        try (ScriptedServer server = ScriptedServer.start(c -> {
            for (int i = 0; i < count; i++) {
                c.sendText("m" + i);
            }
            c.awaitClientClosed(Duration.ofSeconds(50));
        }); FrameSocket ws = client().maxQueuedParts(capacity).connect(server.uri())) {
            for (int i = 0; i < count; i++) {
                if (i % 2_000 == 0) {
                    Thread.sleep(20); // a slow reader: the server keeps sending meanwhile
                }
                assertEquals("m" + i, ws.readMessage().text());
            }
            assertTrue(ws.maxQueuedPartsSeen() <= capacity,
                    "held " + ws.maxQueuedPartsSeen() + " parts, capacity " + capacity);
            assertEquals(capacity, ws.maxQueuedPartsSeen(), "the queue filled up while the reader slept");
        }
    }

    @Test
    void pingAndCloseStayBoundedWhenThePeerStopsReading() throws Exception {
        CountDownLatch testDone = new CountDownLatch(1);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            testDone.await(30, TimeUnit.SECONDS); // a peer that never reads: TCP fills up
        })) {
            FrameSocket ws = client().closeTimeout(Duration.ofMillis(500)).connect(server.uri());
            CompletableFuture<Throwable> sender = TestThreads.supply(() -> {
                byte[] chunk = new byte[1 << 20];
                try {
                    while (true) {
                        ws.sendBinary(ByteBuffer.wrap(chunk));   // blocks once the TCP buffers are full
                    }
                } catch (Throwable t) {
                    return t;
                }
            });
            // Let the sender fill the TCP buffers: until then it returns from each send at once.
            assertThrows(TimeoutException.class, () -> sender.get(1, TimeUnit.SECONDS));
            assertThrows(ReadTimeoutException.class, () -> ws.ping(Duration.ofMillis(300)),
                    "a Ping stuck behind a full TCP window is a missing Pong, not a hang");
            long start = System.nanoTime();
            ws.close();
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "close() is bounded");
            assertTrue(sender.get(10, TimeUnit.SECONDS) instanceof IOException, "the blocked send ends");
            assertEquals(1006, ws.closeStatus().orElseThrow().code());
        } finally {
            testDone.countDown();
        }
    }

    private static void assertFrame(Frame frame, Opcode opcode, boolean isFinal, String text) {
        assertEquals(opcode, frame.opcode(), frame.toString());
        assertEquals(isFinal, frame.isFinal(), frame.toString());
        assertEquals(text, frame.text(), frame.toString());
    }
}
