package dev.framewire;

import static dev.framewire.testing.Clients.LINGER;
import static dev.framewire.testing.Clients.SHORT;
import static dev.framewire.testing.Clients.WAIT;
import static dev.framewire.testing.Clients.scripted;
import static dev.framewire.testing.Clients.waiting;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testing.TestThreads;
import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.ServerConnection;
import dev.framewire.testkit.WireFrame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/streaming.md: messages as streams ({@code sendStream}, {@code sendWriter},
 * {@code readMessageStream}) against the Jetty echo server, which echoes every frame as it came,
 * and the scripted server; what a refused or interrupted call of a send stream leaves behind; and
 * {@link MessageStream#close()}, which leaves nothing of an abandoned message for the next read.
 * A gibibyte each way through streams in a small heap is {@code reliability/StreamHeapTest} (tag
 * {@code heap64m}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamingTest {

    private static final Duration LONG_WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final EchoServerExtension echo = new EchoServerExtension();

    private static byte[] pattern(int length) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (i * 31 + (i >> 10));
        }
        return data;
    }

    @Test
    void aWriterWhoseCloseWasRefusedForADanglingHighSurrogateCanBeFinishedAndTheConnectionGoesOn() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(LONG_WAIT).connect(echo.uri())) {
            Writer writer = ws.sendWriter();
            writer.write("smile ");
            writer.flush();
            writer.write("\uD83D");
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, writer::close);
            assertTrue(refused.getMessage().contains("the writer stays open"), refused.getMessage());
            assertThrows(IllegalStateException.class, () -> ws.sendText("not yet"), "the message is still open");
            writer.write("\uDE00");
            writer.close();
            assertEquals("smile \uD83D\uDE00", ws.readMessage().text());
            ws.sendText("after");
            assertEquals("after", ws.readMessage().text());
        }
    }

    /**
     * An interrupted write of 32 MiB to a peer that reads slowly: {@code bytesTransferred} says how
     * much of the array the stream took, which is at least what the peer had received; writing
     * the rest from there gives the peer exactly the array, nothing lost and nothing twice.
     */
    @Test
    void anInterruptedWriteSaysHowMuchOfTheArrayTheStreamTookAndTheMessageCanBeFinishedFromThere() throws Exception {
        byte[] data = pattern(32 << 20);
        AtomicLong peerHas = new AtomicLong();
        AtomicReference<byte[]> peerGot = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            ByteArrayOutputStream message = new ByteArrayOutputStream(data.length);
            ClientFrame frame;
            do {
                frame = c.readFrame(LONG_WAIT);
                message.writeBytes(frame.payload());
                peerHas.addAndGet(frame.payload().length);
                Thread.sleep(2); // a slow reader: the client's sends wait for TCP
            } while (!frame.fin());
            peerGot.set(message.toByteArray());
            ClientFrame close = c.readUntil(WireFrame.CLOSE, LONG_WAIT);
            c.sendClose(close.closeCode(), "");
        })) {
            FrameSocket ws = FrameSocket.newBuilder().connect(server.uri());
            OutputStream out = ws.sendStream();
            TestThreads.Running writer = TestThreads.failureOf(() -> out.write(data));
            long deadline = System.nanoTime() + LONG_WAIT.toNanos();
            while (peerHas.get() < (6 << 20)) {
                assertTrue(System.nanoTime() < deadline, "the peer never received 6 MiB");
                Thread.sleep(1);
            }
            long receivedBeforeTheInterrupt = peerHas.get();
            writer.thread().interrupt();
            InterruptedIOException e = assertInstanceOf(InterruptedIOException.class,
                    writer.failure().get(LONG_WAIT.toSeconds(), TimeUnit.SECONDS), "the write was interrupted");
            int taken = e.bytesTransferred;
            System.out.println("interrupted write: " + e.getMessage() + "; peer had " + receivedBeforeTheInterrupt
                    + " bytes, the stream took " + taken);
            assertTrue(taken >= receivedBeforeTheInterrupt, "bytesTransferred " + taken + " is less than the "
                    + receivedBeforeTheInterrupt + " bytes the peer had already received");
            assertTrue(taken < data.length, "the write did not finish: " + taken);

            out.write(data, taken, data.length - taken); // this thread was never interrupted
            out.close();
            ws.close();
            server.awaitScripts(LONG_WAIT);
            byte[] got = peerGot.get();
            assertEquals(data.length, got.length, "the peer's message length");
            assertArrayEquals(data, got, "the peer got exactly the array");
        }
    }

    // Messages as streams: sendStream, sendWriter and readMessageStream against the Jetty echo
    // server (which echoes every frame as it came) and the scripted server

    private static FrameSocket connect() throws IOException {
        return waiting().connect(echo.uri());
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] chunk = new byte[7919]; // a prime, so reads end at every offset of a part
        for (int n; (n = in.read(chunk)) != -1; ) {
            all.write(chunk, 0, n);
        }
        return all.toByteArray();
    }

    private static String readAll(Reader in) throws IOException {
        StringBuilder all = new StringBuilder();
        char[] chunk = new char[4099];
        for (int n; (n = in.read(chunk)) != -1; ) {
            all.append(chunk, 0, n);
        }
        return all.toString();
    }

    @Test
    @Timeout(60)
    void aBinaryMessageWrittenInPiecesOfEverySizeComesBackWhole() throws IOException {
        byte[] payload = randomBytes(1_000_003, 1);
        try (FrameSocket ws = connect()) {
            try (OutputStream out = ws.sendStream()) {
                Random sizes = new Random(2);
                for (int at = 0; at < payload.length; ) {
                    int n = Math.min(payload.length - at, sizes.nextInt(200_000));
                    if (n == 1) {
                        out.write(payload[at]);
                    } else {
                        out.write(payload, at, n);
                    }
                    at += n;
                }
            }
            try (MessageStream in = ws.readMessageStream()) {
                assertEquals(Opcode.BINARY, in.type());
                assertArrayEquals(payload, readAll(in));
                assertEquals(-1, in.read(), "the end stays the end");
            }
            ws.sendText("next");
            assertEquals("next", ws.readMessage().text(), "the connection goes on after the stream");
        }
    }

    @Test
    @Timeout(60)
    void aStreamReadOnOneThreadCanBeReadAndClosedOnAnother() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (FrameSocket ws = connect()) {
            ws.sendText("hello, streams");
            MessageStream in = ws.readMessageStream(WAIT);
            Reader reader = in.reader();
            assertEquals('h', in.read());
            byte[] two = new byte[2];
            assertEquals(2, in.read(two, 0, 2));
            assertEquals(11, in.available());
            // Every call above let go of the stream's lock: another thread gets it at once.
            assertSame(reader, other.submit(in::reader).get(5, TimeUnit.SECONDS));
            assertEquals(11, other.submit(in::available).get(5, TimeUnit.SECONDS));
            in.close();
            other.submit(() -> {
                in.close();
                return null;
            }).get(5, TimeUnit.SECONDS);
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    @Timeout(60)
    void flushSendsANonFinalFrameAndCloseTheFinalOne() throws IOException {
        try (FrameSocket ws = connect()) {
            OutputStream out = ws.sendStream();
            out.write(new byte[] {1, 2});
            out.flush();
            out.flush(); // nothing buffered: nothing sent
            out.write(3);
            out.close();
            out.close(); // idempotent
            assertBinaryPart(ws.readFrame(), Opcode.BINARY, false, new byte[] {1, 2});
            assertBinaryPart(ws.readFrame(), Opcode.CONTINUATION, true, new byte[] {3});
            assertThrows(IOException.class, () -> out.write(4), "a closed stream's message is complete");

            ws.sendStream().close();
            assertBinaryPart(ws.readFrame(), Opcode.BINARY, true, new byte[0]);
        }
    }

    private static void assertBinaryPart(Frame frame, Opcode opcode, boolean fin, byte[] bytes) {
        assertEquals(opcode, frame.opcode(), frame::toString);
        assertEquals(fin, frame.isFinal(), frame::toString);
        assertArrayEquals(bytes, frame.bytes(), frame::toString);
    }

    /**
     * Text with one-, two-, three- and four-byte characters, written one char at a time with a
     * flush after each: frames end at every boundary, inside every surrogate pair too.
     */
    @Test
    @Timeout(60)
    void textWithSurrogatePairsSplitAtEveryBoundaryComesBackIntact() throws IOException {
        String text = "aé€😀 ".repeat(40) + "😀";
        try (FrameSocket ws = connect()) {
            try (Writer out = ws.sendWriter()) {
                for (int i = 0; i < text.length(); i++) {
                    out.write(text.charAt(i));
                    out.flush();
                }
            }
            try (MessageStream in = ws.readMessageStream()) {
                assertEquals(Opcode.TEXT, in.type());
                assertEquals(text, readAll(in.reader()));
            }
        }
    }

    @Test
    @Timeout(60)
    void aLongTextMessageThroughWriterAndReaderAndItsBytesAreUtf8() throws IOException {
        StringBuilder builder = new StringBuilder();
        Random random = new Random(3);
        while (builder.length() < 300_000) {
            builder.appendCodePoint(random.nextInt(4) == 0 ? 0x1F600 + random.nextInt(50) : 'a' + random.nextInt(26));
        }
        String text = builder.toString();
        try (FrameSocket ws = connect()) {
            try (Writer out = ws.sendWriter()) {
                out.write(text);
            }
            try (MessageStream in = ws.readMessageStream()) {
                assertEquals(text, readAll(in.reader()));
            }
            try (Writer out = ws.sendWriter()) {
                out.write(text, 0, 1000);
            }
            try (MessageStream in = ws.readMessageStream()) {
                assertArrayEquals(text.substring(0, 1000).getBytes(UTF_8), readAll(in), "the bytes of text are UTF-8");
            }
        }
    }

    /** The server cuts the UTF-8 of a text message at every byte: inside every multi-byte character. */
    @Test
    @Timeout(60)
    void receivedTextCutInsideEveryCharacterReadsWhole() throws Exception {
        String text = "aé€😀".repeat(3);
        byte[] utf8 = text.getBytes(UTF_8);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readFrame();
            for (int i = 0; i < utf8.length; i++) {
                c.sendFrame(i == 0 ? WireFrame.TEXT : WireFrame.CONTINUATION, i == utf8.length - 1,
                        new byte[] {utf8[i]});
            }
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(server.uri())) {
            ws.sendText("go");
            try (MessageStream in = ws.readMessageStream()) {
                assertEquals(text, readAll(in.reader()));
            }
            ws.abort();
        }
    }

    @Test
    @Timeout(60)
    void aBinaryStreamHasNoReader() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendBinary(ByteBuffer.wrap(new byte[] {1}));
            try (MessageStream in = ws.readMessageStream()) {
                assertThrows(IllegalStateException.class, in::reader);
            }
        }
    }

    @Test
    @Timeout(60)
    void availableCountsTheBytesOfThePartAtHandAndAClosedStreamRefusesReads() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame(new byte[] {1, 2, 3, 4, 5}, false);
            ws.sendFrame(new byte[] {6}, true);
            MessageStream in = ws.readMessageStream();
            assertEquals(5, in.available(), "the first part, without waiting for the next");
            assertEquals(1, in.read());
            assertEquals(2, in.read(new byte[2], 0, 2));
            assertEquals(2, in.available());
            in.close();
            assertThrows(IOException.class, in::available);
            assertThrows(IOException.class, in::read);
            ws.sendText("next");
            assertEquals("next", ws.readMessage().text(), "close() dropped the rest of that message only");
        }
    }

    @Test
    @Timeout(60)
    void whileASendStreamIsOpenOtherDataSendsAreRefusedButControlFramesGo() throws IOException {
        try (FrameSocket ws = connect()) {
            OutputStream out = ws.sendStream();
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> ws.sendText("x"));
            assertTrue(refused.getMessage().contains("a sendStream() message"), refused.getMessage());
            assertThrows(IllegalStateException.class, () -> ws.sendFrame(new byte[] {1}, true));
            assertThrows(IllegalStateException.class, () -> ws.sendBinary(ByteBuffer.allocate(1)));
            assertThrows(IllegalStateException.class, ws::sendStream);
            assertThrows(IllegalStateException.class, ws::sendWriter);
            ws.sendPing("fine");
            assertTrue(ws.ping(WAIT).toNanos() > 0, "a round-trip Ping meanwhile");
            out.write(new byte[] {7});
            out.close();
            ws.sendText("after");
            assertArrayEquals(new byte[] {7}, ws.readMessage().bytes());
            assertEquals("after", ws.readMessage().text());
        }
    }

    @Test
    @Timeout(60)
    void aSendStreamCannotStartInsideAnUnfinishedMessage() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("half", false);
            IllegalStateException refused = assertThrows(IllegalStateException.class, ws::sendWriter);
            assertTrue(refused.getMessage().contains("unfinished text message"), refused.getMessage());
        }
    }

    @Test
    @Timeout(60)
    void whileAMessageStreamIsUnfinishedOtherReadsAreRefused() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("one ", false);
            ws.sendFrame("two", true);
            MessageStream in = ws.readMessageStream();
            assertThrows(IllegalStateException.class, ws::readFrame);
            assertThrows(IllegalStateException.class, ws::readMessage);
            assertThrows(IllegalStateException.class, ws::readMessageStream);
            assertEquals("one two", readAll(in.reader()));
            ws.sendText("free again");
            assertEquals("free again", ws.readMessage().text());
        }
    }

    @Test
    @Timeout(60)
    void closingAStreamEarlyDiscardsTheRestOfThatMessageOnly() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame(new byte[] {1, 2, 3}, false);
            ws.sendFrame(new byte[] {4}, false);
            MessageStream in = ws.readMessageStream();
            assertEquals(1, in.read());
            in.close();
            in.close();
            assertThrows(IOException.class, in::read);
            ws.sendFrame(new byte[] {5}, true); // the rest arrives after the close: dropped
            ws.sendText("the next message");
            assertEquals("the next message", ws.readMessage().text());
        }
    }

    @Test
    @Timeout(60)
    void controlFramesBeforeAndInsideAStreamedMessageAreHandledAsReadMessageHandlesThem() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendPing("before".getBytes(UTF_8));
            c.sendBinaryFrame(new byte[] {1}, false);
            c.sendPing("inside".getBytes(UTF_8));
            c.sendPong("unsolicited".getBytes(UTF_8));
            c.sendContinuation(new byte[] {2}, true);
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).deliverPings(true).connect(server.uri())) {
            try (MessageStream in = ws.readMessageStream()) {
                assertArrayEquals(new byte[] {1, 2}, readAll(in));
            }
            ws.abort();
        }
    }

    @Test
    @Timeout(60)
    void aConnectionThatDropsMidMessageGivesEveryByteThenTheEnd() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            // Not right behind the 101: a message followed at once by the end of TCP, in the same
            // read as the 101, is lost by the JDK itself (docs/jdk-defects.md).
            c.readFrame();
            c.sendBinaryFrame(new byte[] {1, 2}, false);
            c.sendContinuation(new byte[] {3}, false);
            c.closeTcp();
        }); FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(server.uri())) {
            ws.sendText("go");
            MessageStream in = ws.readMessageStream();
            assertEquals(1, in.read());
            assertEquals(2, in.read());
            assertEquals(3, in.read());
            ConnectionClosedException end = assertThrows(ConnectionClosedException.class, in::read);
            assertEquals(1006, end.closeStatus().code());
            assertFalse(end.initiatedLocally());
            assertThrows(ConnectionClosedException.class, ws::readFrame, "the end, not a refusal: the stream ended");
        }
    }

    @Test
    @Timeout(60)
    void thePeersCloseMidMessageEndsTheStream() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendTextFrame("half", false);
            c.sendClose(1001, "bye");
            c.readUntil(WireFrame.CLOSE);
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(server.uri())) {
            MessageStream in = ws.readMessageStream();
            assertEquals("half", new String(in.readNBytes(4), UTF_8));
            ConnectionClosedException end = assertThrows(ConnectionClosedException.class, in::read);
            assertEquals(1001, end.closeStatus().code());
        }
    }

    @Test
    @Timeout(60)
    void eachPartWaitsUpToTheReadTimeoutAndATimeoutLosesNothing() throws Exception {
        CountDownLatch goOn = new CountDownLatch(1);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendBinaryFrame(new byte[] {1}, false);
            goOn.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            c.sendContinuation(new byte[] {2}, true);
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = FrameSocket.newBuilder().readTimeout(SHORT).connect(server.uri())) {
            MessageStream in = ws.readMessageStream(WAIT);
            assertEquals(1, in.read());
            ReadTimeoutException timedOut = assertThrows(ReadTimeoutException.class, in::read);
            assertEquals(SHORT, timedOut.timeout());
            goOn.countDown();
            int next = -2;
            for (int attempt = 0; attempt < 50 && next == -2; attempt++) {
                try {
                    next = in.read();
                } catch (ReadTimeoutException notYet) {
                    // the part is on its way
                }
            }
            assertEquals(2, next);
            assertEquals(-1, in.read());
            ws.abort();
        }
    }

    @Test
    @Timeout(60)
    void aMessageThatDoesNotStartInTimeIsAReadTimeout() throws IOException {
        try (FrameSocket ws = connect()) {
            assertThrows(ReadTimeoutException.class, () -> ws.readMessageStream(SHORT));
            ws.sendText("late");
            assertEquals("late", new String(ws.readMessageStream().readAllBytes(), UTF_8));
        }
    }

    @Test
    @Timeout(60)
    void anInterruptedReadThrowsAndLosesNothing() throws Exception {
        try (FrameSocket ws = connect()) {
            ws.sendFrame(new byte[] {1}, false);
            MessageStream in = ws.readMessageStream();
            assertEquals(1, in.read());
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    in.read();
                    failure.complete(null);
                } catch (Throwable t) {
                    failure.complete(t);
                    assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
                }
            });
            reader.start();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (reader.getState() != Thread.State.TIMED_WAITING && reader.getState() != Thread.State.WAITING) {
                assertTrue(System.nanoTime() < deadline, "the reader never blocked");
                Thread.onSpinWait();
            }
            reader.interrupt();
            assertInstanceOf(InterruptedIOException.class, failure.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            reader.join();
            ws.sendFrame(new byte[] {2}, true);
            assertEquals(2, in.read());
            assertEquals(-1, in.read());
        }
    }

    @Test
    @Timeout(60)
    void readMessageStreamPicksUpPartsATimedOutReadMessageHeld() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("first ", false);
            assertThrows(ReadTimeoutException.class, () -> ws.readMessage(SHORT));
            ws.sendFrame("second", true);
            try (MessageStream in = ws.readMessageStream()) {
                assertEquals(Opcode.TEXT, in.type());
                assertEquals("first second", readAll(in.reader()));
            }
        }
    }

    @Test
    @Timeout(60)
    void manySocketsStreamAtOnce() throws Exception {
        int sockets = 8;
        ExecutorService pool = Executors.newFixedThreadPool(sockets * 2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < sockets; s++) {
                byte[] payload = randomBytes(300_000 + s, s);
                FrameSocket ws = connect();
                CompletableFuture<byte[]> received = new CompletableFuture<>();
                done.add(pool.submit(() -> {
                    try (MessageStream in = ws.readMessageStream()) {
                        received.complete(readAll(in));
                    }
                    return null;
                }));
                done.add(pool.submit(() -> {
                    try (OutputStream out = ws.sendStream()) {
                        for (int at = 0; at < payload.length; at += 10_000) {
                            out.write(payload, at, Math.min(10_000, payload.length - at));
                        }
                    }
                    assertArrayEquals(payload, received.get(WAIT.toSeconds(), TimeUnit.SECONDS));
                    ws.close();
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
    @Timeout(60)
    void aClosedSocketRefusesNewStreams() throws IOException {
        FrameSocket ws = connect();
        ws.close();
        assertInstanceOf(ConnectionClosedException.class, assertThrows(IOException.class, ws::sendStream));
        assertThrows(ConnectionClosedException.class, ws::readMessageStream);
    }

    // MessageStream.close(): nothing of an abandoned message reaches the next read, whether its
    // parts had arrived (held by a timed-out readMessage) or not; a close from another thread
    // returns at once and ends the read it interrupts

    private static void fragment(ServerConnection c, boolean text, boolean first, String payload, boolean fin)
            throws IOException {
        int opcode = first ? (text ? WireFrame.TEXT : WireFrame.BINARY) : WireFrame.CONTINUATION;
        c.sendFrame(opcode, fin, payload.getBytes(UTF_8));
    }

    private static String payload(Message message) {
        return message.type() == Opcode.TEXT ? message.text() : new String(message.bytes(), UTF_8);
    }

    @ParameterizedTest(name = "text={0}")
    @Timeout(30)
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
        }); FrameSocket ws = scripted().connect(server.uri())) {
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
    @Timeout(30)
    @ValueSource(booleans = {true, false})
    void anEarlyClosedStreamDropsTheRestAsItArrives(boolean text) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            fragment(c, text, true, "first", false);
            c.readFrame(WAIT);
            fragment(c, text, false, "", false);
            fragment(c, text, false, "rest", true);
            c.sendBinary("after".getBytes(UTF_8));
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = scripted().connect(server.uri())) {
            MessageStream stream = ws.readMessageStream();
            assertEquals('f', stream.read());
            stream.close();
            ws.sendText("go");
            assertEquals(Opcode.BINARY, ws.readFrame().opcode());
            ws.abort();
        }
    }

    @Test
    @Timeout(30)
    void closeFromAnotherThreadReturnsAtOnceAndEndsTheReadItInterrupts() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendTextFrame("first", false);
            c.readFrame(WAIT);                      // "go": sent after the stream was closed
            c.sendContinuation(" and the rest", true);
            c.sendText("after");
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = scripted().connect(server.uri())) {
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
    @Timeout(30)
    void closeFromAnotherThreadAfterTheLastPartChangesNothing() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendTextFrame("whole", true);
            c.sendText("next");
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = scripted().connect(server.uri())) {
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
