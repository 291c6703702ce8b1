package dev.framewire.internal.send;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.ConnectionClosedException;
import dev.framewire.SendTimeoutException;
import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.Ending;
import dev.framewire.internal.connection.ConnectionOnFake;
import dev.framewire.testing.Background;
import dev.framewire.testing.FakeWebSocket;
import dev.framewire.testing.FakeWebSocket.Kind;
import dev.framewire.testing.FakeWebSocket.Send;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link OutboundSender} hands the JDK: every payload buffer big-endian and holding exactly
 * the caller's bytes (the fake reads buffers as JDK 17 does, so a little-endian buffer handed over
 * as it is comes out reordered, JDK-8351339), and the frames of one thread's fragmented message
 * never mixed with another thread's ({@link MessageTurn}).
 */
class SendExactnessTest {

    private final FakeWebSocket ws = new FakeWebSocket();
    private final ConnectionState state = new ConnectionState();
    private final List<Ending> aborts = new CopyOnWriteArrayList<>();

    private OutboundSender sender(Duration sendTimeout) {
        return new OutboundSender(ws, state, sendTimeout, how -> {
            aborts.add(how);
            state.end(how);
            ws.abort();
        }, ConnectionOnFake.LOG, new SendCounts(), ConnectionOnFake.EVENTS);
    }

    @AfterEach
    void theJdkNeverSawTwoPendingSendsOfAKind() {
        assertEquals(0, ws.overlappingSends());
    }

    /** {@code n} bytes 1, 2, 3, … in buffers of every kind a caller may pass, each little-endian. */
    private static List<ByteBuffer> littleEndianBuffers(int n) {
        IntFunction<ByteBuffer> filled = size -> {
            ByteBuffer b = ByteBuffer.allocate(size);
            for (int i = 0; i < size; i++) {
                b.put(i, (byte) (i + 1));
            }
            return b;
        };
        List<ByteBuffer> buffers = new ArrayList<>();
        buffers.add(filled.apply(n));
        ByteBuffer direct = ByteBuffer.allocateDirect(n);
        direct.put(filled.apply(n)).flip();
        buffers.add(direct);
        buffers.add(filled.apply(n).asReadOnlyBuffer());
        ByteBuffer wider = ByteBuffer.allocate(n + 7);
        wider.position(3).put(filled.apply(n)).flip().position(3);
        buffers.add(wider.slice());               // a slice at an offset
        ByteBuffer positioned = ByteBuffer.allocate(n + 7);
        positioned.position(5).put(filled.apply(n)).limit(5 + n).position(5);
        buffers.add(positioned);                  // position above zero, limit below capacity
        buffers.replaceAll(b -> b.order(ByteOrder.LITTLE_ENDIAN));
        return buffers;
    }

    private static byte[] expected(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (i + 1);
        }
        return bytes;
    }

    /** One way to send a buffer; returns nothing, the send is read back from the fake. */
    @FunctionalInterface
    private interface BufferSend {
        void send(OutboundSender sender, ByteBuffer payload) throws IOException;
    }

    private void assertExact(String what, BufferSend send, int size) throws IOException {
        assertExact(what, send, size, true);
    }

    /** @param callersBuffer the buffer is a caller's, whose position a send moves to its limit */
    private void assertExact(String what, BufferSend send, int size, boolean callersBuffer) throws IOException {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        for (ByteBuffer callers : littleEndianBuffers(size)) {
            int limit = callers.limit();
            send.send(sender, callers);
            Send handed = ws.send(ws.sendCount() - 1);
            String buffer = what + " of " + callers;
            assertEquals(ByteOrder.BIG_ENDIAN, handed.order, buffer + ": the JDK must get a big-endian buffer");
            assertArrayEquals(expected(size), handed.bytes, buffer + ": the peer must receive the caller's bytes");
            if (callersBuffer) {
                assertEquals(limit, callers.position(), buffer + ": a send that returned leaves the position at the limit");
            }
            assertEquals(limit, callers.limit(), buffer);
            assertEquals(ByteOrder.LITTLE_ENDIAN, callers.order(), buffer + ": the caller's order is left alone");
        }
    }

    @Test
    void everyBufferHandedToTheJdkIsBigEndian() throws IOException {
        assertExact("a whole binary message", (s, b) -> s.sendBinary(b, true, true), 1000);
        assertExact("a binary frame", (s, b) -> s.sendBinary(b, false, false), 24);
    }

    @Test
    void pingAndPongPayloadsAreHandedOverBigEndianToo() throws IOException {
        assertExact("a Ping", OutboundSender::sendPing, 125);
        assertExact("a Pong", OutboundSender::sendPong, 9);
        // framewire's own Pings (keepalive, ping(Duration)): no caller's buffer to consume
        assertExact("the keepalive's Ping", (s, b) -> assertTrue(s.trySendPing(b)), 16, false);
        assertExact("a timed Ping", (s, b) -> assertTrue(s.sendPingWithin(b, Duration.ofSeconds(5).toNanos())), 8, false);
    }

    @Test
    void aRefusedSendLeavesTheCallersBufferAsItWas() throws IOException {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        sender.sendText("half", false, false);
        ByteBuffer callers = ByteBuffer.wrap(expected(10));
        assertThrows(IllegalStateException.class, () -> sender.sendBinary(callers, true, true));
        assertEquals(0, callers.position(), "nothing was sent, so nothing was consumed");
    }

    // ------------------------------------------------------------------ one message at a time

    @Test
    void anotherThreadsFramesWaitUntilTheUnfinishedMessageIsFinished() throws Exception {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        sender.sendText("A-part1 ", false, false);
        Background b = Background.start("B", () -> {
            sender.sendText("B-part1 ", false, false);
            sender.sendText("B-part2", true, false);
            return null;
        }).parked();
        Background whole = Background.start("C", () -> {
            sender.sendBinary(ByteBuffer.wrap(new byte[] {7}), true, true);
            return null;
        }).parked();
        sender.sendPing(ByteBuffer.wrap(new byte[] {1})); // control frames still go between fragments
        assertEquals(List.of("TEXT \"A-part1 \" more", "PING 1 bytes"), descriptions());
        sender.sendText("A-part2", true, false);
        b.result();
        whole.result();
        List<String> sent = descriptions();
        assertEquals("TEXT \"A-part2\" last", sent.get(2), "the owner's last frame came before anyone else's");
        int bStart = sent.indexOf("TEXT \"B-part1 \" more");
        assertEquals("TEXT \"B-part2\" last", sent.get(bStart + 1), "B's message is not cut by C's: " + sent);
        assertTrue(sent.contains("BINARY 1 bytes last"), sent.toString());
    }

    @Test
    void theOwnerMayNotStartAnotherMessageInsideItsOwn() throws Exception {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        sender.sendText("half", false, false);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sender.sendText("whole", true, true));
        assertTrue(e.getMessage().startsWith("Cannot send a whole text message inside an unfinished text message"),
                e.getMessage());
        sender.sendText("rest", true, false);
    }

    @Test
    void aWaitForAnotherThreadsMessageCountsAgainstTheSendTimeout() throws Exception {
        ws.autoComplete(true);
        OutboundSender sender = sender(Duration.ofMillis(200));
        sender.sendBinary(ByteBuffer.wrap(new byte[] {1}), false, false);
        Background late = Background.start("late", () -> {
            sender.sendText("mine", true, true);
            return null;
        });
        SendTimeoutException timedOut = late.failure(SendTimeoutException.class);
        assertEquals("Another thread's unfinished binary message (started by thread \"" + Thread.currentThread().getName()
                + "\") was not finished within 200 ms, so this send could not start; the connection was aborted",
                timedOut.getMessage());
        assertEquals(1, aborts.size());
        assertEquals(1, ws.sendCount(), "nothing of the late thread reached the JDK");
    }

    @Test
    void theEndOfTheConnectionWakesAThreadWaitingForItsTurn() throws Exception {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        sender.sendText("half", false, false);
        Background waiting = Background.start("waiting", () -> {
            sender.sendText("mine", true, true);
            return null;
        }).parked();
        state.end(Ending.dropped("gone", null));
        waiting.failure(ConnectionClosedException.class);
        assertEquals(1, ws.sendCount());
    }

    @Test
    void aCloseWakesAThreadWaitingForItsTurn() throws Exception {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        sender.sendText("half", false, false);
        Background waiting = Background.start("waiting", () -> {
            sender.sendBinary(ByteBuffer.allocate(1), false, false);
            return null;
        }).parked();
        sender.sendClose(1000, "");
        ConnectionClosedException refused = waiting.failure(ConnectionClosedException.class);
        assertTrue(refused.getMessage().contains("was already sent"), refused.getMessage());
        assertEquals(List.of(Kind.TEXT, Kind.CLOSE), ws.sends().stream().map(s -> s.kind).toList());
    }

    @Test
    void aStreamOpenedOnAnotherThreadWaitsForTheUnfinishedMessage() throws Exception {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        sender.sendText("half", false, false);
        Background opening = Background.start("opening", () -> {
            sender.openStream(StreamTokens.named("a stream"));
            sender.streamBinary(StreamTokens.named("a stream"), ByteBuffer.allocate(2), true, SendBuffer.NOTHING);
            return null;
        }).parked();
        assertFalse(opening.isDone());
        sender.sendText("rest", true, false);
        opening.result();
        assertEquals(List.of("TEXT \"half\" more", "TEXT \"rest\" last", "BINARY 2 bytes last"), descriptions());
    }

    private List<String> descriptions() {
        return ws.sends().stream().map(Send::toString).toList();
    }
}
