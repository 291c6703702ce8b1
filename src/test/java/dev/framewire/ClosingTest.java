package dev.framewire;

import static dev.framewire.testing.Clients.LINGER;
import static dev.framewire.testing.Clients.SHORT;
import static dev.framewire.testing.Clients.WAIT;
import static dev.framewire.testing.Clients.scripted;
import static dev.framewire.testing.Clients.waiting;
import static dev.framewire.testing.FrameAssertions.assertFrame;
import static dev.framewire.testing.FrameAssertions.assertRoundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testing.TestThreads;
import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.ServerConnection;
import dev.framewire.testkit.WireFrame;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/closing.md: how {@code close()}, {@code close(code, reason)} and {@code sendClose} end a
 * connection (checked on the wire by a scripted peer, and against the Jetty echo server); the
 * peer's Close, with or without a status, and a peer that drops TCP; a close racing a blocked
 * reader, or facing a peer that stops reading; and who closed: every later exception says what
 * really ended it, {@link ConnectionClosedException#initiatedLocally()} and its message for every
 * way a connection ends. The Close handling of RFC 6455 on the wire is
 * {@code conformance/CloseHandlingTest}'s.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClosingTest {

    @RegisterExtension
    static final EchoServerExtension server = new EchoServerExtension();

    private static FrameSocket connect() throws IOException {
        return waiting().connect(server.uri());
    }

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
    @Timeout(30)
    void sendCloseIsAnsweredWithTheSameStatusWhichIsReadOnceThenTheConnectionReadsAsClosed() throws IOException {
        try (FrameSocket ws = connect()) {
            assertTrue(ws.isOpen());
            ws.sendClose(1000, "bye");
            assertFalse(ws.isOpen(), "no longer open once a Close was sent");

            Frame close = ws.readFrame(WAIT);
            assertEquals(Opcode.CLOSE, close.opcode());
            assertEquals(Optional.of(new CloseStatus(1000, "bye")), close.closeStatus());
            assertEquals(Optional.of(new CloseStatus(1000, "bye")), ws.closeStatus());

            ConnectionClosedException read = assertThrows(ConnectionClosedException.class, () -> ws.readFrame(WAIT));
            assertEquals(new CloseStatus(1000, "bye"), read.closeStatus());
            ConnectionClosedException again = assertThrows(ConnectionClosedException.class, () -> ws.readMessage(WAIT));
            assertEquals(1000, again.closeStatus().code());
            assertThrows(ConnectionClosedException.class, () -> ws.sendText("too late"));
            assertThrows(ConnectionClosedException.class, () -> ws.sendPing("too late"));
            assertFalse(ws.isOpen());
        }
    }

    @Test
    @Timeout(30)
    void closeIsIdempotentAndEverythingAfterItReportsTheEnd() throws IOException {
        FrameSocket ws = connect();
        ws.close();
        ws.close();
        ws.close();

        assertFalse(ws.isOpen());
        assertEquals(Optional.of(new CloseStatus(1000, "")), ws.closeStatus(),
                "close() waits for the echo server's answering Close 1000");
        assertThrows(ConnectionClosedException.class, () -> ws.readFrame(WAIT));
        assertThrows(ConnectionClosedException.class, () -> ws.readFrame());
        assertThrows(ConnectionClosedException.class, () -> ws.readMessage(WAIT));
        assertThrows(ConnectionClosedException.class, () -> ws.sendText("x"));
        assertThrows(ConnectionClosedException.class, () -> ws.sendFrame(new byte[] {1}, true));
        assertThrows(ConnectionClosedException.class, () -> ws.sendPing("x"));
        assertThrows(ConnectionClosedException.class, () -> ws.sendClose(1000, ""));
        ws.close();
        assertFalse(ws.isOpen());
    }

    @Test
    @Timeout(30)
    void aReadMessageThatTimedOutMidMessageKeepsItsPartForTheNextRead() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("half a message", false);
            assertThrows(ReadTimeoutException.class, () -> ws.readMessage(SHORT));
            assertEquals(0, ws.stats().queuedParts(), "the part left the queue: the timed-out read holds it");
            ws.sendFrame(", and the rest", true);
            assertEquals("half a message, and the rest", ws.readMessage(WAIT).text(), "the next read starts with it");
        }
    }

    @Test
    @Timeout(30)
    void closingAfterReadMessageTimedOutMidMessageDropsTheHeldParts() throws IOException {
        FrameSocket ws = connect();
        try {
            ws.sendFrame("half a message", false);
            assertThrows(ReadTimeoutException.class, () -> ws.readMessage(SHORT));
        } finally {
            ws.close();
        }
        // What the unfinished message held is gone with close(): no read returns it.
        assertThrows(ConnectionClosedException.class, () -> ws.readFrame(Duration.ZERO));
        assertThrows(ConnectionClosedException.class, () -> ws.readMessage(Duration.ZERO));
        assertEquals(1, ws.stats().framesReceived(), "it had arrived");
    }

    /**
     * close() drops what nobody read, so the JDK gets demand again and the peer's Close can arrive:
     * with a full queue and no reader, close() would otherwise wait out its timeout and end with
     * 1006 instead of the peer's 1000.
     */
    @Test
    @Timeout(30)
    void closeWithUnreadMessagesQueuedStillReceivesThePeersClose() throws Exception {
        FrameSocket ws = FrameSocket.newBuilder().maxQueuedParts(1).closeTimeout(WAIT).connect(server.uri());
        ws.sendText("one");
        ws.sendText("two");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ws.stats().queuedParts() < 1) {
            assertTrue(System.nanoTime() < deadline, "the echo never arrived");
            Thread.sleep(5);
        }
        assertEquals(1, ws.stats().queuedParts(), "one part fills the queue; the JDK holds the second");
        ws.close();
        assertEquals(Optional.of(new CloseStatus(CloseStatus.NORMAL_CLOSURE, "")), ws.closeStatus());
    }

    /**
     * The race of issue 9's finding 2: a reader blocked mid-message holds the read lock when
     * another thread calls close(). The reader must wake with the end, told that this side closed,
     * and what its unfinished message held must be dropped as it leaves.
     */
    @Test
    @Timeout(30)
    void closeFromAnotherThreadWhileAReaderIsBlockedMidMessage() throws Exception {
        FrameSocket ws = connect();
        ws.sendFrame("half", false);
        CompletableFuture<Throwable> reader = TestThreads.supply(() -> {
            try {
                ws.readMessage(WAIT);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        // Wait until the echoed half arrived and left the queue: the blocked readMessage holds it.
        // (Not the queue's peak: a part that a waiting reader takes at once may never count as queued.)
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ws.stats().framesReceived() < 1 || ws.stats().queuedParts() != 0) {
            assertTrue(System.nanoTime() < deadline, "the reader never took the echoed half");
            Thread.sleep(5);
        }
        ws.close();
        Throwable failure = reader.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        ConnectionClosedException closed = assertInstanceOf(ConnectionClosedException.class, failure);
        assertTrue(closed.initiatedLocally(), "this thread's close() started the end");
        assertTrue(closed.getMessage().startsWith("This side closed the connection"), closed.getMessage());
        // The reader dropped the held part as it left: the next read gets the end, not "half".
        ConnectionClosedException later = assertThrows(ConnectionClosedException.class, () -> ws.readFrame(WAIT));
        assertTrue(later.initiatedLocally());
        try (FrameSocket next = connect()) {
            assertRoundTrip(next, "another socket is not affected");
        }
    }

    // Who closed: ConnectionClosedException.initiatedLocally() and its message, for every way a
    // connection ends

    private static void assertLocal(ConnectionClosedException e) {
        assertTrue(e.initiatedLocally(), e::getMessage);
        assertTrue(e.getMessage().startsWith("This side"), e::getMessage);
    }

    private static void assertByPeer(ConnectionClosedException e) {
        assertFalse(e.initiatedLocally(), e::getMessage);
        assertFalse(e.getMessage().startsWith("This side"), e::getMessage);
    }

    @Test
    @Timeout(30)
    void sendCloseThenThePeersAnswer() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendClose(1000, "done");
            assertEquals(Opcode.CLOSE, ws.readFrame().opcode());
            assertLocal(assertThrows(ConnectionClosedException.class, ws::readFrame));
            assertLocal(assertThrows(ConnectionClosedException.class, () -> ws.sendText("late")));
        }
    }

    @Test
    @Timeout(30)
    void sendAfterSendCloseIsRefusedAsThisSidesDoing() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendClose(1000, "");
            // Refused because our Close went out ("A Close (1000) was already sent"), or because
            // the peer's answer arrived already ("This side closed the connection; ..."): ours
            // either way.
            ConnectionClosedException refused = assertThrows(ConnectionClosedException.class, () -> ws.sendText("x"));
            assertTrue(refused.initiatedLocally(), refused::getMessage);
        }
    }

    @Test
    @Timeout(30)
    void closeThenRead() throws IOException {
        FrameSocket ws = connect();
        ws.close();
        assertEquals(1000, ws.closeStatus().orElseThrow().code());
        assertLocal(assertThrows(ConnectionClosedException.class, ws::readFrame));
        assertLocal(assertThrows(ConnectionClosedException.class, () -> ws.sendText("late")));
    }

    @Test
    @Timeout(30)
    void abort() throws IOException {
        FrameSocket ws = connect();
        ws.abort();
        assertEquals(CloseStatus.ABNORMAL_CLOSURE, ws.closeStatus().orElseThrow().code());
        assertLocal(assertThrows(ConnectionClosedException.class, ws::readFrame));
    }

    @Test
    @Timeout(30)
    void aMessageTooLarge() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).maxMessageSize(4).connect(server.uri())) {
            ws.sendText("too long");
            assertThrows(MessageTooLargeException.class, ws::readMessage);
            assertEquals(Opcode.CLOSE, ws.readFrame().opcode(), "the peer answers the 1008");
            assertLocal(assertThrows(ConnectionClosedException.class, ws::readFrame));
        }
    }

    @Test
    @Timeout(30)
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
    @Timeout(30)
    void aPeerThatVanishes() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(ServerConnection::closeTcp);
             FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(server.uri())) {
            ConnectionClosedException end = assertThrows(ConnectionClosedException.class, ws::readFrame);
            assertByPeer(end);
            assertEquals(CloseStatus.ABNORMAL_CLOSURE, end.closeStatus().code());
        }
    }

    @Test
    void aCloseWithoutStatusReadsAs1005AndTheJdkAnswers1000() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendCloseWithoutStatus();
            ClientFrame reply = c.readUntil(WireFrame.CLOSE);
            assertEquals(1000, reply.closeCode(), "the JDK answers a Close without status with 1000");
        }); FrameSocket ws = scripted().connect(server.uri())) {
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
        }); FrameSocket ws = scripted().connect(server.uri())) {
            assertFrame(Opcode.TEXT, true, "before", ws.readFrame());
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
        }); FrameSocket ws = scripted().connect(server.uri())) {
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
        }); FrameSocket ws = scripted().connect(server.uri())) {
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
    void pingAndCloseStayBoundedWhenThePeerStopsReading() throws Exception {
        CountDownLatch testDone = new CountDownLatch(1);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            testDone.await(30, TimeUnit.SECONDS); // a peer that never reads: TCP fills up
        })) {
            FrameSocket ws = scripted().closeTimeout(Duration.ofMillis(500)).connect(server.uri());
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
}
