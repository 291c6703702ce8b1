package dev.framewire.internal.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;
import dev.framewire.ConnectionStats;
import dev.framewire.Opcode;
import dev.framewire.ReadTimeoutException;
import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.ConnectionState.Phase;
import dev.framewire.internal.Ending;
import dev.framewire.internal.receive.InboundListener;
import dev.framewire.internal.receive.MessageAssemblerTest;
import dev.framewire.internal.receive.MessageAssemblerTest.Part;
import dev.framewire.internal.receive.PingTracker;
import dev.framewire.testing.Background;
import dev.framewire.testing.FakeWebSocket;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

/**
 * How the end of a connection reaches the reader, the Pings waiting for a Pong and the user's
 * exception: who ended it ({@code initiatedLocally()}), with what status and message, and what a
 * read returns afterwards. Driven through the listener as the JDK calls it.
 */
class ConnectionTest {

    private static final Duration NOW = Duration.ZERO;

    private static ConnectionClosedException endSeenByReader(ConnectionOnFake w) {
        return assertThrows(ConnectionClosedException.class, () -> w.reader.readFrame(NOW));
    }

    @Test
    void aPeerThatVanishesEndsTheConnectionAs1006NotThisSidesDoing() {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        PingTracker.Pending ping = w.pings.register();
        w.ws.deliverDrop(w.listener);
        assertEquals(new CloseStatus(1006, ""), w.state.ending().status());
        ConnectionClosedException e = endSeenByReader(w);
        assertFalse(e.initiatedLocally());
        assertEquals(new CloseStatus(1006, ""), e.closeStatus());
        assertTrue(e.getMessage().startsWith("The connection was closed by the peer without a Close frame (1006)"),
                e.getMessage());
        ExecutionException failed = assertThrows(ExecutionException.class, () -> ping.pong().get());
        assertSame(ConnectionClosedException.class, failed.getCause().getClass(), "a waiting ping(Duration) learns of the end");
    }

    @Test
    void aDropAfterThisSideStartedClosingIsThisSidesDoing() throws IOException {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        w.sender.sendClose(1000, "bye");
        w.ws.deliverDrop(w.listener);
        ConnectionClosedException e = endSeenByReader(w);
        assertTrue(e.initiatedLocally());
        assertTrue(e.getMessage().startsWith("The connection ended without the peer's Close (1006) after this side"
                + " started closing it"), e.getMessage());
    }

    @Test
    void thePeersCloseIsReadOnceThenEveryReadReportsIt() {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        PingTracker.Pending ping = w.pings.register();
        w.ws.deliverText(w.listener, "before", true);
        w.ws.deliverClose(w.listener, 4000, "done");
        assertTrue(ping.pong().isCompletedExceptionally(), "the Ping will never be answered");
        assertEquals(new CloseStatus(4000, "done"), w.state.ending().status());
        assertFalse(w.state.isOpen());
        assertEquals("before", assertRead(w).text());
        Part close = assertRead(w);
        assertEquals(Opcode.CLOSE, close.opcode());
        ConnectionClosedException e = endSeenByReader(w);
        assertFalse(e.initiatedLocally());
        assertEquals(new CloseStatus(4000, "done"), e.closeStatus());
        assertEquals("The peer closed the connection: " + new CloseStatus(4000, "done"), e.getMessage());
    }

    @Test
    void thePeersAnswerToOurCloseSaysThisSideClosed() throws IOException {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        w.sender.sendClose(1000, "");
        w.ws.deliverClose(w.listener, 1000, "");
        assertEquals(Opcode.CLOSE, assertRead(w).opcode());
        ConnectionClosedException e = endSeenByReader(w);
        assertTrue(e.initiatedLocally());
        assertTrue(e.getMessage().startsWith("This side closed the connection; the peer answered with Close 1000"),
                e.getMessage());
    }

    @Test
    void aFailureEndsTheConnectionWithTheJdksErrorAsCause() {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        PingTracker.Pending ping = w.pings.register();
        IOException reset = new IOException("Connection reset");
        w.ws.deliverError(w.listener, reset);
        ConnectionClosedException e = endSeenByReader(w);
        assertSame(reset, e.getCause());
        assertFalse(e.initiatedLocally());
        assertEquals(1006, e.closeStatus().code());
        assertEquals("The connection failed: " + reset, e.getMessage());
        assertTrue(ping.pong().isCompletedExceptionally());
    }

    @Test
    void aFailureWhileThisSideClosesIsThisSidesDoing() {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        w.state.advance(Phase.OPEN, Phase.CLOSING);
        IOException reset = new IOException("Connection reset");
        w.ws.deliverError(w.listener, reset);
        ConnectionClosedException e = assertThrows(ConnectionClosedException.class, () -> w.reader.readFrame(NOW));
        assertTrue(e.initiatedLocally());
        assertEquals("The connection failed while this side was closing it: " + reset, e.getMessage());
    }

    /** As the JDK reports a violation: no message of its own, the description in its cause. */
    private static ProtocolException protocolError(String violation) {
        ProtocolException error = new ProtocolException();
        error.initCause(new RuntimeException(violation));
        return error;
    }

    @Test
    void anEarlyProtocolErrorNamesTheJdksGreetingLossAndItsPage() {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        w.ws.deliverText(w.listener, "{\"type\":\"ti", false); // a tick cut by a lost read...
        w.ws.deliverText(w.listener, "ck\u00e9", false);          // ...2 bytes for the é: 15 bytes of data in all
        w.ws.deliverError(w.listener, protocolError("Unexpected rsv2 bit"));
        assertEquals("{\"type\":\"ti", assertRead(w).text());
        assertEquals("ck\u00e9", assertRead(w).text());
        String message = endSeenByReader(w).getMessage();
        assertTrue(message.matches("The connection failed: java\\.net\\.ProtocolException \\(no message from the JDK;"
                + " its cause: Unexpected rsv2 bit\\) [0-9.]+ (µs|ms|s) after it opened, 15 bytes of data in; if the server"
                + " sends more than 16 KiB right behind its 101 response, the likely cause is the JDK losing some of those"
                + " bytes \\(docs/jdk-defects\\.md#data-lost-behind-the-101-response\\)"), message);
    }

    @Test
    void aProtocolErrorAfterTheFirstMiBOfDataIsThePeersAndGetsNoHint() {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        w.ws.deliverBinary(w.listener, new byte[(int) InboundListener.EARLY_FAILURE_BYTES - 1], true);
        w.ws.deliverText(w.listener, "x", true);
        w.ws.deliverError(w.listener, protocolError("Unexpected rsv2 bit"));
        assertRead(w);
        assertRead(w);
        assertEquals("The connection failed: java.net.ProtocolException (no message from the JDK; its cause: Unexpected"
                + " rsv2 bit)", endSeenByReader(w).getMessage());
    }

    @Test
    void anErrorWithoutAMessageNeverReadsNullAndOnlyAProtocolErrorGetsTheHint() {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        w.ws.deliverError(w.listener, new InternalError());
        assertEquals("The connection failed: java.lang.InternalError (no message from the JDK)", endSeenByReader(w).getMessage());
        ConnectionOnFake v = new ConnectionOnFake(4, 100);
        v.ws.deliverError(v.listener, new ProtocolException());
        String message = endSeenByReader(v).getMessage();
        assertTrue(message.startsWith("The connection failed: java.net.ProtocolException (no message from the JDK) "), message);
        assertTrue(message.contains(" after it opened, 0 bytes of data in; "), message);
    }

    @Test
    void anAbortFailsTheWaitingPingsAndOnlyTheFirstEndingCounts() {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        PingTracker.Pending ping = w.pings.register();
        w.abort(Ending.localAbort("aborted by the test", null));
        assertTrue(ping.pong().isCompletedExceptionally());
        w.ws.deliverError(w.listener, new IOException("late"));
        ConnectionClosedException e = endSeenByReader(w);
        assertEquals("aborted by the test", e.getMessage());
        assertTrue(e.initiatedLocally());
    }

    @Test
    void afterCloseReturnedReadsReportTheEndEvenWithThePeersCloseUnread() {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        w.ws.deliverClose(w.listener, 1000, "bye");
        w.close();
        assertEquals(Phase.CLOSED, w.state.phase());
        ConnectionClosedException e = endSeenByReader(w);
        assertEquals(new CloseStatus(1000, "bye"), e.closeStatus());
        assertThrows(ConnectionClosedException.class, () -> w.reader.readMessage(NOW));
        assertThrows(ConnectionClosedException.class, () -> w.reader.openStream(NOW));
    }

    @Test
    void aReadWithATimeoutWaitsForWhatArrivesWithinIt() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        Background reader = Background.start("reader", () -> w.reader.readFrame(Duration.ofSeconds(30))).parked();
        w.ws.deliverText(w.listener, "in time", true);
        assertEquals("in time", ((Part) reader.result()).text());
    }

    @Test
    void aSecondReaderWithoutATimeoutWaitsForTheFirstInsteadOfTimingOut() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        Background first = Background.start("first", () -> w.reader.readFrame(null)).parked();
        Background second = Background.start("second", () -> w.reader.readFrame(null)).parked();
        w.ws.deliverText(w.listener, "one", true);
        Object firstGot = first.result();
        FakeWebSocket.spinUntilParked(second.thread);
        w.ws.deliverText(w.listener, "two", true);
        Object secondGot = second.result();
        assertEquals("one", ((Part) firstGot).text());
        assertEquals("two", ((Part) secondGot).text());
    }

    @Test
    void aReaderLeavesTheReadLockForTheNextThread() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        w.ws.deliverText(w.listener, "one", true);
        w.ws.deliverText(w.listener, "two", false);
        assertEquals("one", w.reader.readFrame(NOW).text());
        assertThrows(ReadTimeoutException.class, () -> w.reader.readMessage(NOW));
        assertEquals(1, w.reader.heldParts());
        Background other = Background.start("other", () -> w.reader.readFrame(NOW));
        assertEquals("two", ((Part) other.result()).text(), "the held part, from another thread");
    }

    // ------------------------------------------------------------------- ping(Duration)

    @Test
    void aPingReturnsTheRoundTripOfItsOwnPongAndStatsKeepIt() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        assertEquals(Optional.empty(), w.connection.stats().lastRoundTrip());
        Background pinger = Background.start("pinger", () -> w.connection.ping(Duration.ofSeconds(30)));
        FakeWebSocket.spinUntil(() -> w.ws.sendCount() == 1, "the Ping was sent");
        byte[] payload = w.ws.send(0).bytes;
        w.ws.deliverPong(w.listener, ByteBuffer.wrap(new byte[] {1, 2, 3})); // someone else's Pong
        assertFalse(pinger.isDone(), "a Pong that is not the Ping's own does not end the wait");
        w.ws.deliverPong(w.listener, ByteBuffer.wrap(payload));
        Duration roundTrip = (Duration) pinger.result();
        assertTrue(roundTrip.toNanos() > 0, roundTrip.toString());
        ConnectionStats stats = w.connection.stats();
        assertEquals(Optional.of(roundTrip), stats.lastRoundTrip());
        assertEquals(1, stats.pingsSent());
        assertEquals(2, stats.pongsReceived());
    }

    @Test
    void aPingWhosePongDoesNotComeTimesOutNamingTheTimeout() {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        ReadTimeoutException e = assertThrows(ReadTimeoutException.class, () -> w.connection.ping(Duration.ofMillis(50)));
        assertEquals("No Pong arrived within 50 ms", e.getMessage());
        assertEquals(Duration.ofMillis(50), e.timeout());
        assertEquals(Optional.empty(), w.connection.stats().lastRoundTrip());
    }

    @Test
    void aPingThatCannotBeWrittenInTimeSaysSo() {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        w.ws.autoComplete(false); // the JDK never finishes writing: a peer that stopped reading
        ReadTimeoutException e = assertThrows(ReadTimeoutException.class, () -> w.connection.ping(Duration.ofMillis(50)));
        assertEquals("The Ping could not even be written within 50 ms (is the peer reading?)", e.getMessage());
        assertEquals(Duration.ofMillis(50), e.timeout());
    }

    @Test
    void aPingWaitingWhenThePeerVanishesThrowsTheEndFromItsOwnStack() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        Background pinger = Background.start("pinger", () -> w.connection.ping(Duration.ofSeconds(30)));
        FakeWebSocket.spinUntil(() -> w.ws.sendCount() == 1, "the Ping was sent");
        pinger.parked();
        w.ws.deliverDrop(w.listener);
        ConnectionClosedException e = pinger.failure(ConnectionClosedException.class);
        assertEquals(new CloseStatus(1006, ""), e.closeStatus());
        assertFalse(e.initiatedLocally());
        assertEquals(w.state.ending().message(), e.getMessage());
        assertTrue(Arrays.stream(e.getStackTrace()).anyMatch(frame -> frame.getMethodName().equals("ping")
                        && frame.getClassName().equals(Connection.class.getName())),
                "a fresh exception, thrown where ping() waited: " + Arrays.toString(e.getStackTrace()));
    }

    @Test
    void anInterruptedPingSaysItsPingWentOutWholeAndKeepsTheInterrupt() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        Background pinger = Background.start("pinger", () -> {
            InterruptedIOException e = assertThrows(InterruptedIOException.class,
                    () -> w.connection.ping(Duration.ofSeconds(30)));
            return List.of(e.getMessage(), e.bytesTransferred, Thread.currentThread().isInterrupted());
        });
        FakeWebSocket.spinUntil(() -> w.ws.sendCount() == 1, "the Ping was sent");
        pinger.parked().thread.interrupt();
        assertEquals(List.of("Interrupted while waiting for a Pong (the Ping was sent)", w.ws.send(0).bytes.length, true),
                pinger.result());
        assertTrue(w.connection.isOpen(), "an interrupted ping leaves the connection as it was");
    }

    private static Part assertRead(ConnectionOnFake w) {
        try {
            return w.reader.readFrame(NOW);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
