package dev.framewire;

import dev.framewire.testing.TestThreads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.framewire.testing.EchoServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * framewire against a real, independent peer: the embedded Jetty 12 echo server, which echoes
 * every frame with the same opcode and FIN flag.
 */
@Timeout(30)
class EchoServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration SHORT = Duration.ofMillis(200);

    @RegisterExtension
    static final EchoServerExtension server = new EchoServerExtension();

    private static FrameSocket connect() throws IOException {
        return FrameSocket.newBuilder().readTimeout(WAIT).connect(server.uri());
    }

    private static void assertFrame(Opcode opcode, boolean fin, String text, Frame frame) {
        assertEquals(opcode, frame.opcode(), () -> "opcode of " + frame);
        assertEquals(fin, frame.isFinal(), () -> "FIN of " + frame);
        assertEquals(text, frame.text(), () -> "text of " + frame);
    }

    private static void assertBinaryFrame(Opcode opcode, boolean fin, byte[] bytes, Frame frame) {
        assertEquals(opcode, frame.opcode(), () -> "opcode of " + frame);
        assertEquals(fin, frame.isFinal(), () -> "FIN of " + frame);
        assertArrayEquals(bytes, frame.bytes(), () -> "payload of " + frame);
        assertFalse(frame.isText(), () -> "isText of " + frame);
    }

    private static void assertRoundTrip(FrameSocket ws, String text) throws IOException {
        ws.sendText(text);
        Message echo = ws.readMessage(WAIT);
        assertEquals(Opcode.TEXT, echo.type());
        assertEquals(text, echo.text());
    }

    // ------------------------------------------------------------------------- fragmentation

    @Test
    void textFragmentsStayFragmentsBothWaysAndThePongBetweenThemIsConsumed() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("a", false);
            ws.sendPing("p");
            ws.sendFrame("b", false);
            ws.sendFrame("c", true);

            Frame first = ws.readFrame(WAIT);
            Frame second = ws.readFrame(WAIT);
            Frame third = ws.readFrame(WAIT);
            assertFrame(Opcode.TEXT, false, "a", first);
            assertFrame(Opcode.CONTINUATION, false, "b", second);
            assertFrame(Opcode.CONTINUATION, true, "c", third);
            assertTrue(first.isText());
            assertTrue(second.isText(), "a continuation of a text message is text");
            assertTrue(third.isText(), "a continuation of a text message is text");
            // The Pong came back between "a" and "b"; nothing else may be pending either.
            assertRoundTrip(ws, "after");
        }
    }

    @Test
    void binaryFragmentsStayFragmentsBothWaysFromArraysAndBuffers() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame(new byte[] {1, 2, 3}, false);
            ws.sendPing("p");
            ByteBuffer middle = ByteBuffer.wrap(new byte[] {9, 4, 5, 9}, 1, 2);
            ws.sendFrame(middle, false);
            assertEquals(0, middle.remaining(), "the buffer's position moves to its limit");
            ws.sendFrame(ByteBuffer.wrap(new byte[] {6}), true);

            assertBinaryFrame(Opcode.BINARY, false, new byte[] {1, 2, 3}, ws.readFrame(WAIT));
            assertBinaryFrame(Opcode.CONTINUATION, false, new byte[] {4, 5}, ws.readFrame(WAIT));
            assertBinaryFrame(Opcode.CONTINUATION, true, new byte[] {6}, ws.readFrame(WAIT));
            assertRoundTrip(ws, "after");
        }
    }

    @Test
    void withoutPongAutoConsumeThePongOfAPingIsReadAsAFrameBetweenFragments() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder().pongAutoConsume(false).connect(server.uri())) {
            ws.sendFrame("a", false);
            ws.sendPing("x");
            ws.sendFrame("b", true);

            assertFrame(Opcode.TEXT, false, "a", ws.readFrame(WAIT));
            Frame pong = ws.readFrame(WAIT);
            assertEquals(Opcode.PONG, pong.opcode());
            assertTrue(pong.isFinal());
            assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), pong.bytes());
            assertFrame(Opcode.CONTINUATION, true, "b", ws.readFrame(WAIT));
        }
    }

    @Test
    void withoutPongAutoConsumeTheUsersOwnPingIsAnsweredEvenIfItsPayloadResemblesFramewiresPingMarker()
            throws IOException {
        // ping(Duration) marks its own Pings with a 10-byte payload "fw" + a sequence number. A
        // user's Ping that merely looks alike, on a socket that never called ping(), is the user's:
        // its Pong must reach readFrame when Pongs are not consumed.
        byte[] lookalike = "fw\u00e9\u00e9\u00e9\u00e9".getBytes(StandardCharsets.UTF_8); // 10 bytes
        assertEquals(10, lookalike.length);
        try (FrameSocket ws = FrameSocket.newBuilder().pongAutoConsume(false).connect(server.uri())) {
            ws.sendPing(ByteBuffer.wrap(lookalike));
            ws.sendText("marker");

            Frame pong = ws.readFrame(WAIT);
            assertEquals(Opcode.PONG, pong.opcode(), () -> "expected the Pong of the user's Ping, got " + pong);
            assertArrayEquals(lookalike, pong.bytes());
            assertFrame(Opcode.TEXT, true, "marker", ws.readFrame(WAIT));
        }
    }

    // ------------------------------------------------------------------------- readMessage

    @Test
    void readMessageJoinsTextFragments() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("one-", false);
            ws.sendFrame("two-", false);
            ws.sendFrame("three", true);

            Message message = ws.readMessage(WAIT);
            assertEquals(Opcode.TEXT, message.type());
            assertEquals("one-two-three", message.text());
        }
    }

    @Test
    void readMessageJoinsBinaryFragments() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame(new byte[] {1, 2}, false);
            ws.sendFrame(ByteBuffer.wrap(new byte[] {3}), false);
            ws.sendFrame(new byte[] {4, 5, 6}, true);

            Message message = ws.readMessage(WAIT);
            assertEquals(Opcode.BINARY, message.type());
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, message.bytes());
        }
    }

    @Test
    void readMessageSkipsPongsEvenWithoutPongAutoConsume() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder().pongAutoConsume(false).connect(server.uri())) {
            ws.sendPing("before");
            ws.sendFrame("a", false);
            ws.sendPing("between");
            ws.sendFrame("b", true);

            Message message = ws.readMessage(WAIT);
            assertEquals(Opcode.TEXT, message.type());
            assertEquals("ab", message.text());
        }
    }

    // ------------------------------------------------------------------------- large messages

    private static String largeText() {
        StringBuilder text = new StringBuilder(200_000);
        int i = 0;
        while (text.length() < 200_000) {
            text.append("line ").append(i++).append(" caf\u00e9 \uD83D\uDE00 \u20ac;");
        }
        return text.toString();
    }

    private static byte[] largeBinary() {
        byte[] bytes = new byte[200 * 1024];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    @Test
    void largeTextMessageWithNonAsciiRoundTripsThroughReadMessage() throws IOException {
        String text = largeText();
        try (FrameSocket ws = connect()) {
            ws.sendText(text);
            Message echo = ws.readMessage(WAIT);
            assertEquals(Opcode.TEXT, echo.type());
            assertEquals(text.length(), echo.text().length());
            assertEquals(text, echo.text());
        }
    }

    @Test
    void socketsJoiningLargeTextMessagesAtOnceEachGetTheirOwnExactly() throws Exception {
        // readMessage joins multi-part text in a builder shared across the JVM when it is free:
        // readers on several sockets at once, long messages before short ones, must never see a
        // character of another message.
        int sockets = 4;
        ExecutorService pool = Executors.newFixedThreadPool(sockets);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < sockets; s++) {
                int id = s;
                done.add(pool.submit(() -> {
                    try (FrameSocket ws = connect()) {
                        for (int round = 0; round < 20; round++) {
                            int chars = round % 2 == 0 ? 70_000 + id * 1000 + round : 40_000 - round;
                            String text = (char) ('a' + id) + "\u00e9".repeat(id) + "x".repeat(chars) + round;
                            assertRoundTrip(ws, text);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void largeTextMessageReadFrameByFrameConcatenatesToTheSameText() throws IOException {
        String text = largeText();
        try (FrameSocket ws = connect()) {
            ws.sendText(text);
            StringBuilder joined = new StringBuilder();
            List<Frame> parts = new ArrayList<>();
            Frame frame;
            do {
                frame = ws.readFrame(WAIT);
                parts.add(frame);
                assertTrue(frame.isText(), () -> "not text: " + parts.get(parts.size() - 1));
                joined.append(frame.text());
            } while (!frame.isFinal());

            assertEquals(Opcode.TEXT, parts.get(0).opcode());
            for (int i = 1; i < parts.size(); i++) {
                assertEquals(Opcode.CONTINUATION, parts.get(i).opcode(), "part " + i);
            }
            for (int i = 0; i < parts.size() - 1; i++) {
                assertFalse(parts.get(i).isFinal(), "only the last part is final, not part " + i);
            }
            assertTrue(parts.size() > 1, "200 KB of text arrives in several parts, got " + parts.size());
            assertEquals(text, joined.toString());
            assertRoundTrip(ws, "after");
        }
    }

    @Test
    void largeBinaryMessageRoundTripsThroughReadMessage() throws IOException {
        byte[] bytes = largeBinary();
        try (FrameSocket ws = connect()) {
            ws.sendBinary(ByteBuffer.wrap(bytes));
            Message echo = ws.readMessage(WAIT);
            assertEquals(Opcode.BINARY, echo.type());
            assertArrayEquals(bytes, echo.bytes());
        }
    }

    @Test
    void largeBinaryMessageReadFrameByFrameConcatenatesToTheSameBytes() throws IOException {
        byte[] bytes = largeBinary();
        try (FrameSocket ws = connect()) {
            ws.sendBinary(ByteBuffer.wrap(bytes));
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            List<Frame> parts = new ArrayList<>();
            Frame frame;
            do {
                frame = ws.readFrame(WAIT);
                parts.add(frame);
                assertFalse(frame.isText());
                joined.writeBytes(frame.bytes());
            } while (!frame.isFinal());

            assertEquals(Opcode.BINARY, parts.get(0).opcode());
            for (int i = 1; i < parts.size(); i++) {
                assertEquals(Opcode.CONTINUATION, parts.get(i).opcode(), "part " + i);
            }
            assertArrayEquals(bytes, joined.toByteArray());
            assertRoundTrip(ws, "after");
        }
    }

    // ------------------------------------------------------------------------- handshake

    @Test
    void theServersChoiceAmongOfferedSubprotocolsIsReported() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder().subprotocols("superchat", "chat").connect(server.uri())) {
            assertEquals("superchat", ws.subprotocol());
            assertEquals("superchat", server.server().lastRequestHeaders().get("Sec-WebSocket-Protocol").stream()
                    .flatMap(v -> List.of(v.split(",")).stream()).map(String::trim).findFirst().orElseThrow());
        }
    }

    @Test
    void withoutOfferedSubprotocolsTheSubprotocolIsEmpty() throws IOException {
        try (FrameSocket ws = FrameSocket.connect(server.uri())) {
            assertEquals("", ws.subprotocol());
        }
    }

    @Test
    void customHeadersReachTheServer() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder()
                .header("Authorization", "Bearer abc")
                .header("X-Trace", "trace-42")
                .connect(server.uri())) {
            assertTrue(ws.isOpen());
            assertEquals("Bearer abc", server.lastRequestHeader("Authorization"));
            assertEquals("trace-42", server.lastRequestHeader("X-Trace"));
        }
    }

    // ------------------------------------------------------------------------- threads

    @Test
    void concurrentWholeMessageSendersAndAPingerNeverCollideAndKeepPerThreadOrder() throws Exception {
        int threads = 8;
        int perThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try (FrameSocket ws = connect()) {
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                senders.add(pool.submit(() -> {
                    for (int seq = 0; seq < perThread; seq++) {
                        ws.sendText(id + ":" + seq);
                    }
                    return null;
                }));
            }
            AtomicBoolean sendersDone = new AtomicBoolean();
            Future<Integer> pinger = pool.submit(() -> {
                int pings = 0;
                while (!sendersDone.get() || pings < 10) {
                    ws.sendPing("ping " + pings++);
                }
                return pings;
            });

            Map<Integer, Integer> nextSeq = new ConcurrentHashMap<>();
            for (int i = 0; i < threads * perThread; i++) {
                Message m = ws.readMessage(WAIT);
                assertEquals(Opcode.TEXT, m.type());
                String[] fields = m.text().split(":");
                int id = Integer.parseInt(fields[0]);
                int seq = Integer.parseInt(fields[1]);
                int expected = nextSeq.getOrDefault(id, 0);
                assertEquals(expected, seq, "order of thread " + id);
                nextSeq.put(id, seq + 1);
            }
            for (Future<?> sender : senders) {
                sender.get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // rethrows any exception, "Send pending" included
            }
            sendersDone.set(true);
            assertTrue(pinger.get(WAIT.toMillis(), TimeUnit.MILLISECONDS) >= 10);
            for (int t = 0; t < threads; t++) {
                assertEquals(perThread, nextSeq.get(t), "messages echoed for thread " + t);
            }
            assertRoundTrip(ws, "after");
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aWholeMessageFromAnotherThreadWaitsUntilTheUnfinishedMessageIsFinished() throws Exception {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("part1-", false);

            CompletableFuture<Throwable> other = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    ws.sendText("other thread");
                    other.complete(null);
                } catch (Throwable t) {
                    other.complete(t);
                }
            });
            thread.start();
            // The same thread may not start another message inside its own.
            IllegalStateException binary = assertThrows(IllegalStateException.class,
                    () -> ws.sendFrame(new byte[] {1}, false));
            assertTrue(binary.getMessage().contains("finish it first"), binary.getMessage());
            assertThrows(IllegalStateException.class, () -> ws.sendBinary(ByteBuffer.wrap(new byte[] {1})));
            assertFalse(other.isDone(), "the other thread waits for this thread's message");

            ws.sendFrame("part2", true);
            assertNull(other.get(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the other thread's send went out");
            assertFrame(Opcode.TEXT, false, "part1-", ws.readFrame(WAIT));
            assertFrame(Opcode.CONTINUATION, true, "part2", ws.readFrame(WAIT));
            assertFrame(Opcode.TEXT, true, "other thread", ws.readFrame(WAIT));
            // Nothing of the refused sends went out: the next echo is the next valid message.
            assertRoundTrip(ws, "after");
        }
    }

    @Test
    void wholeOrTextSendsInsideAnUnfinishedBinaryMessageAreRefused() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame(new byte[] {1, 2}, false);

            IllegalStateException whole = assertThrows(IllegalStateException.class,
                    () -> ws.sendBinary(ByteBuffer.wrap(new byte[] {7})));
            assertTrue(whole.getMessage().contains("finish it first"), whole.getMessage());
            IllegalStateException text = assertThrows(IllegalStateException.class, () -> ws.sendFrame("t", false));
            assertTrue(text.getMessage().contains("finish it first"), text.getMessage());
            assertThrows(IllegalStateException.class, () -> ws.sendText("t"));

            ws.sendFrame(new byte[] {3}, true);
            ws.sendBinary(ByteBuffer.wrap(new byte[] {8, 9}));

            assertBinaryFrame(Opcode.BINARY, false, new byte[] {1, 2}, ws.readFrame(WAIT));
            assertBinaryFrame(Opcode.CONTINUATION, true, new byte[] {3}, ws.readFrame(WAIT));
            assertBinaryFrame(Opcode.BINARY, true, new byte[] {8, 9}, ws.readFrame(WAIT));
            assertRoundTrip(ws, "after");
        }
    }

    // ------------------------------------------------------------------------- ping

    @Test
    void pingMeasuresARoundTripAndItsPongNeverReachesReadFrame() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder().pongAutoConsume(false).connect(server.uri())) {
            Duration rtt = ws.ping(Duration.ofSeconds(5));
            assertFalse(rtt.isNegative() || rtt.isZero(), "round trip " + rtt);
            assertTrue(rtt.compareTo(Duration.ofSeconds(5)) < 0, "round trip " + rtt);

            ReadTimeoutException timeout = assertThrows(ReadTimeoutException.class, () -> ws.readFrame(SHORT));
            assertEquals(SHORT, timeout.timeout());
            assertTrue(ws.isOpen());
        }
    }

    // ------------------------------------------------------------------------- closing

    @Test
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

    // ------------------------------------------------------------------------- timeouts

    @Test
    void readFrameTimesOutAndTheConnectionStaysUsable() throws IOException {
        try (FrameSocket ws = connect()) {
            ReadTimeoutException e = assertThrows(ReadTimeoutException.class, () -> ws.readFrame(SHORT));
            assertEquals(SHORT, e.timeout());
            assertTrue(ws.isOpen());
            assertRoundTrip(ws, "still here");
        }
    }

    @Test
    void theBuildersReadTimeoutBoundsReadFrameAndReadMessageWithoutArguments() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(SHORT).connect(server.uri())) {
            ReadTimeoutException frame = assertThrows(ReadTimeoutException.class, () -> ws.readFrame());
            assertEquals(SHORT, frame.timeout());
            ReadTimeoutException message = assertThrows(ReadTimeoutException.class, () -> ws.readMessage());
            assertEquals(SHORT, message.timeout());
            ws.sendText("in time");
            assertEquals("in time", ws.readMessage().text());
        }
    }

    @Test
    void readMessageTimingOutMidMessageLosesNothing() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("first half, ", false);
            ReadTimeoutException e = assertThrows(ReadTimeoutException.class, () -> ws.readMessage(SHORT));
            assertEquals(SHORT, e.timeout());
            assertTrue(ws.isOpen());

            ws.sendFrame("second half", true);
            Message message = ws.readMessage(WAIT);
            assertEquals(Opcode.TEXT, message.type());
            assertEquals("first half, second half", message.text());
            assertRoundTrip(ws, "after");
        }
    }

    @Test
    void closingAfterReadMessageTimedOutMidMessageDropsTheHeldParts() throws IOException {
        FrameSocket ws = connect();
        try {
            ws.sendFrame("half a message", false);
            assertThrows(ReadTimeoutException.class, () -> ws.readMessage(SHORT));
            assertEquals(1, ws.heldParts(), "the timed-out read keeps the part for the next one");
        } finally {
            ws.close();
        }
        assertEquals(0, ws.heldParts(), "close() dropped what the unfinished message held");
    }

    /**
     * close() drops what nobody read, so the JDK gets demand again and the peer's Close can arrive:
     * with a full queue and no reader, close() would otherwise wait out its timeout and end with
     * 1006 instead of the peer's 1000.
     */
    @Test
    void closeWithUnreadMessagesQueuedStillReceivesThePeersClose() throws Exception {
        FrameSocket ws = FrameSocket.newBuilder().maxQueuedParts(1).closeTimeout(WAIT).connect(server.uri());
        ws.sendText("one");
        ws.sendText("two");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ws.queuedParts() < 1) {
            assertTrue(System.nanoTime() < deadline, "the echo never arrived");
            Thread.sleep(5);
        }
        assertEquals(1, ws.queuedParts(), "one part fills the queue; the JDK holds the second");
        ws.close();
        assertEquals(Optional.of(new CloseStatus(CloseStatus.NORMAL_CLOSURE, "")), ws.closeStatus());
    }

    /**
     * The race of issue 9's finding 2: a reader blocked mid-message holds the read lock when
     * another thread calls close(). The reader must wake with the end, told that this side closed,
     * and what its unfinished message held must be dropped as it leaves.
     */
    @Test
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
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ws.maxQueuedPartsSeen() < 1 || ws.queuedParts() != 0) {
            assertTrue(System.nanoTime() < deadline, "the reader never took the echoed half");
            Thread.sleep(5);
        }
        ws.close();
        Throwable failure = reader.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        ConnectionClosedException closed = assertInstanceOf(ConnectionClosedException.class, failure);
        assertTrue(closed.initiatedLocally(), "this thread's close() started the end");
        assertTrue(closed.getMessage().startsWith("This side closed the connection"), closed.getMessage());
        assertEquals(0, ws.heldParts(), "the reader dropped the held part as it left");
        ConnectionClosedException later = assertThrows(ConnectionClosedException.class, () -> ws.readFrame(WAIT));
        assertTrue(later.initiatedLocally());
        try (FrameSocket next = connect()) {
            assertRoundTrip(next, "another socket is not affected");
        }
    }

    @Test
    void readFrameTimingOutMidMessageThenReadingFramesGivesEveryPart() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("x", false);
            ws.sendFrame("y", false);
            assertThrows(ReadTimeoutException.class, () -> ws.readMessage(SHORT));
            ws.sendFrame("z", true);
            // Parts gathered by the timed-out readMessage come out of readFrame first, in order.
            assertFrame(Opcode.TEXT, false, "x", ws.readFrame(WAIT));
            assertFrame(Opcode.CONTINUATION, false, "y", ws.readFrame(WAIT));
            assertFrame(Opcode.CONTINUATION, true, "z", ws.readFrame(WAIT));
        }
    }

    @Test
    void aBlockedReadFrameWakesOnInterruptAndTheSocketStaysUsable() throws Exception {
        try (FrameSocket ws = FrameSocket.connect(server.uri())) { // no read timeout: readFrame() waits forever
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean flagSet = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try {
                    Frame unexpected = ws.readFrame();
                    thrown.set(new AssertionError("readFrame returned " + unexpected));
                } catch (Throwable t) {
                    thrown.set(t);
                }
                flagSet.set(Thread.currentThread().isInterrupted());
            }, "blocked-reader");
            reader.start();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (reader.getState() != Thread.State.WAITING && reader.isAlive()) {
                if (System.nanoTime() > deadline) {
                    fail("the reader never blocked: " + reader.getState());
                }
                Thread.onSpinWait();
            }
            reader.interrupt();
            reader.join(WAIT.toMillis());
            assertFalse(reader.isAlive(), "the reader did not wake up");

            assertInstanceOf(InterruptedIOException.class, thrown.get());
            assertTrue(flagSet.get(), "the interrupt status is kept");
            assertTrue(ws.isOpen());
            assertRoundTrip(ws, "after interrupt");
        }
    }

    // ------------------------------------------------------------------------- limits

    @Test
    void aMessageOverMaxMessageSizeIsRefusedAndTheConnectionCloses() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder().maxMessageSize(1000).connect(server.uri())) {
            ws.sendText("x".repeat(2000));

            MessageTooLargeException tooLarge = assertThrows(MessageTooLargeException.class,
                    () -> ws.readMessage(WAIT));
            assertEquals(1000, tooLarge.limit());
            assertTrue(tooLarge.size() > 1000, "size " + tooLarge.size());

            ConnectionClosedException closed = assertThrows(ConnectionClosedException.class,
                    () -> ws.readMessage(Duration.ofSeconds(5)));
            assertEquals(1008, closed.closeStatus().code(), "the echo server answers framewire's Close 1008");
            assertThrows(ConnectionClosedException.class, () -> ws.readFrame(WAIT));
            assertFalse(ws.isOpen());
            assertEquals(1008, ws.closeStatus().orElseThrow().code());
        }
    }

    @Test
    void aBinaryMessageOverMaxMessageSizeIsRefusedAndTheConnectionCloses() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder().maxMessageSize(1000).connect(server.uri())) {
            ws.sendFrame(new byte[600], false);
            ws.sendFrame(new byte[600], true);

            MessageTooLargeException tooLarge = assertThrows(MessageTooLargeException.class,
                    () -> ws.readMessage(WAIT));
            assertEquals(1000, tooLarge.limit());
            assertEquals(1200, tooLarge.size());
            ConnectionClosedException closed = assertThrows(ConnectionClosedException.class,
                    () -> ws.readMessage(Duration.ofSeconds(5)));
            assertEquals(1008, closed.closeStatus().code());
        }
    }

    @Test
    void aMessageAtMaxMessageSizeIsAccepted() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder().maxMessageSize(1000).connect(server.uri())) {
            String text = "\u00e9".repeat(500); // exactly 1000 UTF-8 bytes
            assertRoundTrip(ws, text);
        }
    }

    @Test
    void aSlowReaderIsBoundedByMaxQueuedPartsAndStillGetsEveryMessageInOrder() throws Exception {
        int messages = 200;
        ExecutorService sendThread = Executors.newSingleThreadExecutor();
        try (FrameSocket ws = FrameSocket.newBuilder().maxQueuedParts(4).connect(server.uri())) {
            Future<?> sends = sendThread.submit(() -> {
                for (int i = 0; i < messages; i++) {
                    ws.sendText("message " + i + " " + "-".repeat(100));
                }
                return null;
            });
            sends.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            // The reader has not read: framewire stopped reading after 4 parts, so the Pong that
            // the server sent behind the 200 echoes cannot be seen yet.
            assertThrows(ReadTimeoutException.class, () -> ws.ping(Duration.ofMillis(500)));
            assertEquals(4, ws.maxQueuedPartsSeen(), "the queue filled up to its bound");

            for (int i = 0; i < messages; i++) {
                Message m = ws.readMessage(WAIT);
                assertEquals("message " + i + " " + "-".repeat(100), m.text());
            }
            assertTrue(ws.maxQueuedPartsSeen() <= 4, "held at once: " + ws.maxQueuedPartsSeen());
            assertNotNull(ws.ping(Duration.ofSeconds(5)));
        } finally {
            sendThread.shutdownNow();
            assertTrue(sendThread.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aReaderThatSpinsGetsEveryEchoInOrder() throws Exception {
        // readSpin changes how a reader waits, never what it reads: frames, messages and
        // timeouts behave as without it.
        try (FrameSocket ws = FrameSocket.newBuilder().readSpin(Duration.ofMillis(1)).connect(server.uri())) {
            for (int i = 0; i < 200; i++) {
                ws.sendText("m" + i);
                assertEquals("m" + i, ws.readMessage().text());
            }
            ws.sendFrame("one", false);
            ws.sendFrame("two", true);
            assertFrame(Opcode.TEXT, false, "one", ws.readFrame());
            assertFrame(Opcode.CONTINUATION, true, "two", ws.readFrame());
            assertThrows(ReadTimeoutException.class, () -> ws.readMessage(Duration.ofMillis(20)));
            ws.sendText("after the timeout");
            assertEquals("after the timeout", ws.readMessage().text());
        }
    }
}
