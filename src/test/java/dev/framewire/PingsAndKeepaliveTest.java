package dev.framewire;

import static dev.framewire.testing.FrameAssertions.assertFrame;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.framewire.testing.ClientFrame;
import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testing.PythonWebsocketsServer;
import dev.framewire.testing.ScriptedConnection;
import dev.framewire.testing.ScriptedServer;
import dev.framewire.testing.TestThreads;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/pings-and-keepalive.md, "A slow reader": while the receive queue is full the JDK reads
 * nothing, Pongs and Pings included. framewire's own keepalive must not take that for a silent
 * peer; a server's keepalive cannot tell, and what to do about it is what the page says.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PingsAndKeepaliveTest {

    private static final Duration INTERVAL = Duration.ofMillis(300);
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MESSAGES = 50;
    private static final int SIZE = 1000;
    /** The slow reader reads this many messages, then looks away for {@link #PAUSE}. */
    private static final int READ_AT_ONCE = 10;
    /** Longer than the keepalive's interval and timeout together: a Pong behind a full queue would come too late. */
    private static final Duration PAUSE = Duration.ofSeconds(1);
    private static final Duration SHORT = Duration.ofMillis(200);

    @RegisterExtension
    static final EchoServerExtension server = new EchoServerExtension();
    private static final Duration LINGER = Duration.ofSeconds(10);

    private static FrameSocket.Builder scriptedClient() {
        // Most scripts never answer a Close: do not let close() wait its default 5 s for one.
        return FrameSocket.newBuilder().readTimeout(WAIT).closeTimeout(Duration.ofMillis(200));
    }

    private static FrameSocket.Builder slowReadersSocket(int maxQueuedParts) {
        return FrameSocket.newBuilder().keepAlive(INTERVAL, TIMEOUT).maxQueuedParts(maxQueuedParts)
                .readTimeout(WAIT).closeTimeout(Duration.ofSeconds(2));
    }

    /** Reads {@code n} messages, slower than the peer sends them; returns their first four characters. */
    private static List<String> readSlowly(FrameSocket ws, int n) throws Exception {
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i > 0 && i % READ_AT_ONCE == 0) {
                Thread.sleep(PAUSE.toMillis());
            }
            numbers.add(ws.readMessage().text().substring(0, 4));
        }
        return numbers;
    }

    private static List<String> numbered(int n) {
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            numbers.add(String.format("%04d", i));
        }
        return numbers;
    }

    /** The scripted peer: on "go", {@link #MESSAGES} messages as fast as it can; then whatever {@code after} does. */
    private static ScriptedServer burstThen(ScriptedServer.Script after) throws IOException {
        return ScriptedServer.start(c -> {
            assertEquals("go", c.readFrame(WAIT).text()); // the client speaks first (see ScriptedServer)
            for (int i = 0; i < MESSAGES; i++) {
                c.sendText(String.format("%04d", i) + "x".repeat(SIZE - 4));
            }
            after.run(c);
        });
    }

    @Test
    void aSlowReadersLiveConnectionIsNotKilledByItsOwnKeepalive() throws Exception {
        AtomicInteger pings = new AtomicInteger();
        try (ScriptedServer server = burstThen(c -> {
            while (true) { // a live peer: answers every Ping, and the Close
                ClientFrame frame = c.readFrame(Duration.ofSeconds(30));
                if (frame.opcode() == ScriptedConnection.PING) {
                    c.sendPong(frame.payload());
                    pings.incrementAndGet();
                } else if (frame.opcode() == ScriptedConnection.CLOSE) {
                    c.sendClose(frame.closeCode(), "");
                    return;
                }
            }
        })) {
            try (FrameSocket ws = slowReadersSocket(8).connect(server.uri())) {
                ws.sendText("go");
                assertEquals(numbered(MESSAGES), readSlowly(ws, MESSAGES));
                Thread.sleep(INTERVAL.plus(TIMEOUT).multipliedBy(3).toMillis()); // idle: the keepalive pings, the peer answers
                assertTrue(ws.isOpen(), "the connection stays open: " + ws);
                assertTrue(pings.get() > 0, "the keepalive pinged once the reader had caught up");
            }
            server.awaitScripts(WAIT);
        }
    }

    @Test
    void aPeerThatFallsSilentWhileTheReaderIsBehindIsFoundOnceItCatchesUp() throws Exception {
        try (ScriptedServer server = burstThen(c -> {
            try {
                c.awaitClientClosed(Duration.ofSeconds(60)); // reads and drops everything, answers nothing
            } catch (EOFException | SocketException aborted) {
                // the client gave up on us: that is the point
            }
        })) {
            try (FrameSocket ws = slowReadersSocket(8).connect(server.uri())) {
                ws.sendText("go");
                assertEquals(numbered(MESSAGES), readSlowly(ws, MESSAGES), "every message arrived before the end");
                long caughtUp = System.nanoTime();
                ConnectionClosedException end = assertThrows(ConnectionClosedException.class, () -> ws.readFrame(WAIT));
                Duration took = Duration.ofNanos(System.nanoTime() - caughtUp);
                assertTrue(end.getMessage().startsWith("Keepalive: nothing arrived within 300 ms"), end.getMessage());
                assertEquals(1006, end.closeStatus().code());
                assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "found " + took + " after the reader caught up");
            }
            server.awaitScripts(WAIT);
        }
    }

    @Test
    void anInterruptedPingSaysItsPingWasSent() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readUntil(ScriptedConnection.PING, WAIT); // never answered
            c.awaitClientClosed(WAIT);
        }); FrameSocket ws = FrameSocket.newBuilder().closeTimeout(Duration.ofMillis(200)).connect(server.uri())) {
            TestThreads.Running pinger = TestThreads.failureOf(() -> ws.ping(WAIT));
            Thread.sleep(300);
            pinger.thread().interrupt();
            InterruptedIOException e = (InterruptedIOException) pinger.failure().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(18, e.bytesTransferred, "framewire's Ping payload went out: " + e.getMessage());
            assertTrue(ws.isOpen());
        }
    }

    // ------------------------------------------------------------------ python websockets, for real

    private static void assumePython() {
        assumeTrue(PythonWebsocketsServer.python().isPresent(), PythonWebsocketsServer.MISSING);
    }

    @Test
    void aSlowReaderOfAPythonWebsocketsServerKeepsItsConnection() throws Exception {
        assumePython();
        try (PythonWebsocketsServer server = PythonWebsocketsServer.start(null, null);
             FrameSocket ws = slowReadersSocket(8).connect(server.uri())) {
            ws.sendText("burst " + MESSAGES + " " + SIZE);
            assertEquals(numbered(MESSAGES), readSlowly(ws, MESSAGES));
            Thread.sleep(INTERVAL.plus(TIMEOUT).multipliedBy(3).toMillis());
            assertTrue(ws.isOpen(), "the connection stays open: " + ws);
            ws.sendText("still here");
            assertEquals("still here", ws.readMessage().text());
        }
    }

    /**
     * What the page warns of: the server's Ping waits behind the full queue (the JDK answers a Ping
     * only once it delivers it), so a server with a short {@code ping_timeout} closes the
     * connection of a reader that is behind for longer. Every message before its Close still
     * arrives.
     */
    @Test
    void aPythonWebsocketsServerClosesTheConnectionOfAReaderBehindAFullQueueAfterItsPingTimeout() throws Exception {
        assumePython();
        try (PythonWebsocketsServer server = PythonWebsocketsServer.start(Duration.ofMillis(300), Duration.ofMillis(300));
             FrameSocket ws = FrameSocket.newBuilder().maxQueuedParts(8).readTimeout(WAIT).connect(server.uri())) {
            ws.sendText("burst " + MESSAGES + " " + SIZE);
            List<String> read = new ArrayList<>();
            ConnectionClosedException end = assertThrows(ConnectionClosedException.class, () -> {
                for (int i = 0; ; i++) {
                    if (i > 0 && i % READ_AT_ONCE == 0) {
                        Thread.sleep(PAUSE.toMillis());
                    }
                    read.add(ws.readMessage().text().substring(0, 4));
                }
            });
            System.out.println("python websockets ended a slow reader's connection after " + read.size()
                    + " messages: " + end.getMessage());
            assertFalse(end.initiatedLocally(), "the server ended it: " + end.getMessage());
            assertTrue(end.closeStatus().code() == 1011 || end.closeStatus().code() == 1006, end.getMessage());
            assertEquals(numbered(read.size()), read, "what came before the end came in order");
        }
    }

    /** What the page says to do: a queue with room for the burst lets the JDK answer the server's Ping at once. */
    @Test
    void aQueueWithRoomForTheBurstKeepsAPythonWebsocketsServersPingsAnswered() throws Exception {
        assumePython();
        try (PythonWebsocketsServer server = PythonWebsocketsServer.start(Duration.ofMillis(300), Duration.ofMillis(300));
             FrameSocket ws = slowReadersSocket(MESSAGES + 8).connect(server.uri())) {
            ws.sendText("burst " + MESSAGES + " " + SIZE);
            assertEquals(numbered(MESSAGES), readSlowly(ws, MESSAGES));
            assertTrue(ws.isOpen(), "the server's Pings were answered while the reader was slow: " + ws);
            ws.sendText("still here");
            assertEquals("still here", ws.readMessage().text());
        }
    }

    @Test
    @Timeout(30)
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
    @Timeout(30)
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

    @Test
    @Timeout(30)
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

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void deliverPingsReturnsThePingBetweenTheFragments() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendTextFrame("Hel", false);
            c.sendPing("mid".getBytes(UTF_8));
            c.sendContinuation("lo", true);
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = scriptedClient().deliverPings(true).connect(server.uri())) {
            assertFrame(Opcode.TEXT, false, "Hel", ws.readFrame());
            assertFrame(Opcode.PING, true, "mid", ws.readFrame());
            assertFrame(Opcode.CONTINUATION, true, "lo", ws.readFrame());
            ws.abort();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void readMessageSkipsADeliveredPingInsideTheMessage() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendBinaryFrame(new byte[] {1, 2}, false);
            c.sendPing(new byte[] {9});
            c.sendContinuation(new byte[] {3}, true);
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = scriptedClient().deliverPings(true).connect(server.uri())) {
            Message message = ws.readMessage();
            assertEquals(Opcode.BINARY, message.type());
            assertArrayEquals(new byte[] {1, 2, 3}, message.bytes());
            ws.abort();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anUnsolicitedPongIsConsumedByDefault() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendPong("heartbeat".getBytes(UTF_8));
            c.sendText("after");
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = scriptedClient().connect(server.uri())) {
            assertFrame(Opcode.TEXT, true, "after", ws.readFrame());
            ws.abort();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anUnsolicitedPongIsReturnedWithoutPongAutoConsume() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendPong("heartbeat".getBytes(UTF_8));
            c.sendText("after");
            c.awaitClientClosed(LINGER);
        }); FrameSocket ws = scriptedClient().pongAutoConsume(false).connect(server.uri())) {
            assertFrame(Opcode.PONG, true, "heartbeat", ws.readFrame());
            assertFrame(Opcode.TEXT, true, "after", ws.readFrame());
            ws.abort();
        }
    }
}
