package dev.framewire.streams;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.ConnectionClosedException;
import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.MessageStream;
import dev.framewire.Opcode;
import dev.framewire.ReadTimeoutException;
import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testkit.ScriptedServer;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Messages as streams: {@code sendStream}, {@code sendWriter} and {@code readMessageStream},
 * against the Jetty echo server (which echoes every frame as it came) and the scripted server.
 */
@Timeout(60)
class StreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration SHORT = Duration.ofMillis(200);
    private static final Duration LINGER = Duration.ofSeconds(10);

    @RegisterExtension
    static final EchoServerExtension echo = new EchoServerExtension();

    private static FrameSocket connect() throws IOException {
        return FrameSocket.newBuilder().readTimeout(WAIT).connect(echo.uri());
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

    // ------------------------------------------------------------------------- round trips

    @Test
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
    void aBinaryStreamHasNoReader() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendBinary(ByteBuffer.wrap(new byte[] {1}));
            try (MessageStream in = ws.readMessageStream()) {
                assertThrows(IllegalStateException.class, in::reader);
            }
        }
    }

    @Test
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

    // ------------------------------------------------------------------------- mixing rules

    @Test
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
    void aSendStreamCannotStartInsideAnUnfinishedMessage() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("half", false);
            IllegalStateException refused = assertThrows(IllegalStateException.class, ws::sendWriter);
            assertTrue(refused.getMessage().contains("unfinished text message"), refused.getMessage());
        }
    }

    @Test
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

    // ------------------------------------------------------------------------- failures

    @Test
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
    void aMessageThatDoesNotStartInTimeIsAReadTimeout() throws IOException {
        try (FrameSocket ws = connect()) {
            assertThrows(ReadTimeoutException.class, () -> ws.readMessageStream(SHORT));
            ws.sendText("late");
            assertEquals("late", new String(ws.readMessageStream().readAllBytes(), UTF_8));
        }
    }

    @Test
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

    // ------------------------------------------------------------------------- threads

    @Test
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
    void aClosedSocketRefusesNewStreams() throws IOException {
        FrameSocket ws = connect();
        ws.close();
        assertInstanceOf(ConnectionClosedException.class, assertThrows(IOException.class, ws::sendStream));
        assertThrows(ConnectionClosedException.class, ws::readMessageStream);
    }
}
