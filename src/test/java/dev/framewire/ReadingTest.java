package dev.framewire;

import static dev.framewire.testing.Clients.LINGER;
import static dev.framewire.testing.Clients.SHORT;
import static dev.framewire.testing.Clients.WAIT;
import static dev.framewire.testing.Clients.scripted;
import static dev.framewire.testing.Clients.waiting;
import static dev.framewire.testing.FrameAssertions.assertFrame;
import static dev.framewire.testing.FrameAssertions.assertRoundTrip;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.WireFrame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/reading.md, against the Jetty echo server and a byte-exact scripted peer: frame by frame
 * (parts, not wire frames), whole messages (joined fragments, large ones, Pongs skipped),
 * timeouts (the connection stays usable and nothing is lost), {@code readSpin}, a bounded queue
 * that loses nothing however fast the peer, messages too large to hold, and the end: once a read
 * has reported it, every later read reports it too, and what a timed-out {@code readMessage} held
 * of an unfinished message comes out before the end ({@code readFrame}) or goes with it
 * ({@code readMessage}). Before: {@code readMessage} reported the peer's Close and the next
 * {@code readFrame} returned the half message's first part.
 */
@Timeout(30)
class ReadingTest {

    @RegisterExtension
    static final EchoServerExtension server = new EchoServerExtension();

    private static FrameSocket connect() throws IOException {
        return waiting().connect(server.uri());
    }

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
            assertEquals(4, ws.stats().queuedPartsPeak(), "the queue filled up to its bound");

            for (int i = 0; i < messages; i++) {
                Message m = ws.readMessage(WAIT);
                assertEquals("message " + i + " " + "-".repeat(100), m.text());
            }
            assertTrue(ws.stats().queuedPartsPeak() <= 4, "held at once: " + ws.stats().queuedPartsPeak());
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

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void serverFragmentedMessageWithAPingBetweenFragmentsReadsAsItsParts() throws Exception {
        CompletableFuture<String> pongSeen = new CompletableFuture<>();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendTextFrame("Hel", false);
            c.sendPing("mid".getBytes(UTF_8));
            c.sendContinuation("lo", false);
            c.sendContinuation(" world", true);
            pongSeen.complete(c.readUntil(WireFrame.PONG).text());
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = scripted().connect(server.uri())) {
            assertFrame(Opcode.TEXT, false, "Hel", ws.readFrame());
            assertFrame(Opcode.CONTINUATION, false, "lo", ws.readFrame());
            Frame last = ws.readFrame();
            assertFrame(Opcode.CONTINUATION, true, " world", last);
            assertTrue(last.isText());
            assertEquals("mid", pongSeen.get(10, TimeUnit.SECONDS), "the JDK answers the Ping with the same payload");
            ws.abort();
            server.awaitScripts(WAIT);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void twentyThousandMessagesReachASlowReaderInOrderWithinTheQueueBound() throws Exception {
        int count = 20_000;
        int capacity = 16;
        try (ScriptedServer server = ScriptedServer.start(c -> {
            for (int i = 0; i < count; i++) {
                c.sendText("m" + i);
            }
            c.awaitClientClosed(Duration.ofSeconds(50));
        }); FrameSocket ws = scripted().maxQueuedParts(capacity).connect(server.uri())) {
            for (int i = 0; i < count; i++) {
                if (i % 2_000 == 0) {
                    Thread.sleep(20); // a slow reader: the server keeps sending meanwhile
                }
                assertEquals("m" + i, ws.readMessage().text());
            }
            assertTrue(ws.stats().queuedPartsPeak() <= capacity,
                    "held " + ws.stats().queuedPartsPeak() + " parts, capacity " + capacity);
            assertEquals(capacity, ws.stats().queuedPartsPeak(), "the queue filled up while the reader slept");
        }
    }

    // Nothing is lost, and memory is bounded: a server floods a reader that does not read; the
    // receive queue fills to its capacity and no further (the rest waits in TCP), and when the
    // reader catches up every part arrives in order. The heap this bounds over a 1 GiB flood is
    // measured by reliability.FloodHeapMeasurement (docs/limits.md).

    private static final int FLOOD_MESSAGES = 64;
    private static final int FLOOD_MESSAGE_SIZE = 64 * 1024;

    @ParameterizedTest(name = "maxQueuedParts({0})")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    @ValueSource(ints = {64, 1})
    void aFloodFillsTheQueueToItsCapacityAndNoFurtherAndEveryPartArrivesInOrder(int capacity) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readFrame(); // the client speaks first, so no large frame rides with the 101
            for (int i = 0; i < FLOOD_MESSAGES; i++) {
                c.sendBinary(floodMessage(i));
            }
            ClientFrame close = c.readUntil(WireFrame.CLOSE, WAIT);
            c.sendClose(close.closeCode(), "");
        }); FrameSocket ws = FrameSocket.newBuilder().maxQueuedParts(capacity).connect(server.uri())) {
            ws.sendText("go");
            // Not reading yet: wait until the queue has filled up, which it must since 4 MiB is
            // far more than its capacity.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (ws.stats().queuedPartsPeak() < capacity) {
                if (System.nanoTime() > deadline) {
                    fail("the queue never filled: " + ws.stats().queuedPartsPeak() + " of " + capacity);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }

            int parts = 0;
            for (int i = 0; i < FLOOD_MESSAGES; i++) {
                ByteBuffer expected = ByteBuffer.wrap(floodMessage(i));
                boolean first = true;
                Frame part;
                do {
                    part = ws.readFrame(WAIT);
                    parts++;
                    assertEquals(first ? Opcode.BINARY : Opcode.CONTINUATION, part.opcode(), "message " + i);
                    byte[] bytes = part.bytes();
                    assertTrue(bytes.length <= expected.remaining(), "message " + i + " grew");
                    assertEquals(ByteBuffer.wrap(bytes), expected.slice().limit(bytes.length), "message " + i);
                    expected.position(expected.position() + bytes.length);
                    first = false;
                } while (!part.isFinal());
                assertEquals(0, expected.remaining(), "message " + i + " is short");
            }
            assertTrue(parts > capacity, "the flood was larger than the queue: " + parts + " parts");
            assertTrue(ws.stats().queuedPartsPeak() <= capacity,
                    "held at once: " + ws.stats().queuedPartsPeak() + ", capacity " + capacity);
            assertEquals(capacity, ws.stats().queuedPartsPeak());

            ws.sendClose(1000, "");
            assertEquals(Opcode.CLOSE, ws.readFrame(WAIT).opcode());
            server.awaitScripts(WAIT);
        }
    }

    /** Message {@code i}: its number, then bytes that depend on it and on their offset. */
    private static byte[] floodMessage(int i) {
        byte[] bytes = new byte[FLOOD_MESSAGE_SIZE];
        ByteBuffer.wrap(bytes).putInt(i);
        for (int k = 4; k < bytes.length; k++) {
            bytes[k] = (byte) (i * 31 + k);
        }
        return bytes;
    }
}
