package dev.framewire.internal.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.CloseStatus;
import dev.framewire.WebSocketException;
import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.Durations;
import dev.framewire.internal.Ending;
import dev.framewire.internal.receive.PingTracker;
import dev.framewire.internal.send.OutboundSender;
import dev.framewire.internal.send.SendCounts;
import dev.framewire.testing.FakeWebSocket;
import dev.framewire.testing.FakeWebSocket.Kind;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The keepalive's decisions, one {@link KeepAlive#run()} at a time on a clock the test moves:
 * when it pings, when it waits, when it aborts. (PingsAndKeepaliveTest runs it for real
 * against servers.)
 */
class KeepAliveTest {

    private static final long INTERVAL = Duration.ofSeconds(10).toNanos();
    private static final long TIMEOUT = Duration.ofSeconds(5).toNanos();

    private final FakeWebSocket ws = new FakeWebSocket();
    private final ConnectionState state = new ConnectionState();
    private final List<Ending> aborts = new CopyOnWriteArrayList<>();
    private final List<Long> roundTrips = new CopyOnWriteArrayList<>();
    private final OutboundSender sender = new OutboundSender(ws, state, null, aborts::add, ConnectionOnFake.LOG,
            new SendCounts(), ConnectionOnFake.EVENTS);
    private final PingTracker pings = new PingTracker();
    private long now;         // the test's clock
    private long lastInbound; // when the peer was last heard from
    private long withheldSince; // non-zero while the reader is behind and the JDK is asked for nothing

    private KeepAlive keepAlive(long start) {
        now = start;
        lastInbound = start;
        return new KeepAlive(Duration.ofNanos(INTERVAL), Duration.ofNanos(TIMEOUT), () -> now, () -> lastInbound,
                () -> withheldSince, sender, pings, aborts::add, roundTrips::add, ConnectionOnFake.EVENTS);
    }

    @AfterEach
    void noOverlappingPings() {
        assertEquals(0, ws.overlappingSends());
    }

    private int pingsSent() {
        return (int) ws.sends().stream().filter(s -> s.kind == Kind.PING).count();
    }

    /** Moves the clock to {@code at} and runs one check. */
    private void tick(KeepAlive keepAlive, long at) {
        now = at;
        keepAlive.run();
    }

    @Test
    void noPingBeforeTheIntervalAndOneAtIt() {
        KeepAlive k = keepAlive(1_000);
        tick(k, 1_000 + INTERVAL - 1);
        assertEquals(0, pingsSent());
        tick(k, 1_000 + INTERVAL);
        assertEquals(1, pingsSent());
        byte[] payload = ws.send(0).bytes;
        assertEquals(18, payload.length, "one of framewire's own Pings, so its Pong is consumed");
        assertEquals('f', payload[0]);
        assertEquals('w', payload[1]);
    }

    @Test
    void trafficPutsThePingOff() {
        KeepAlive k = keepAlive(0);
        lastInbound = INTERVAL / 2;
        tick(k, INTERVAL);
        assertEquals(0, pingsSent(), "something arrived half an interval ago");
        tick(k, INTERVAL / 2 + INTERVAL);
        assertEquals(1, pingsSent());
    }

    @Test
    void noSecondPingWhileOneIsUnanswered() {
        KeepAlive k = keepAlive(0);
        tick(k, INTERVAL);
        ws.send(0).complete(); // written: the slot is free, but the answer is still awaited
        for (long t = INTERVAL; t < INTERVAL + TIMEOUT; t += TIMEOUT / 4) {
            tick(k, t);
        }
        assertEquals(1, pingsSent());
        assertTrue(aborts.isEmpty());
    }

    @Test
    void anythingArrivingAfterThePingMeansAlive() {
        KeepAlive k = keepAlive(0);
        long pinged = INTERVAL;
        tick(k, pinged);
        lastInbound = pinged; // at the same instant counts
        tick(k, pinged + TIMEOUT);
        assertTrue(aborts.isEmpty());
        assertEquals(1, pingsSent());
        ws.send(0).complete();
        tick(k, pinged + INTERVAL - 1);
        assertEquals(1, pingsSent(), "the next Ping waits a whole interval after the last arrival");
        tick(k, pinged + INTERVAL);
        assertEquals(2, pingsSent());
    }

    @Test
    void somethingFromBeforeThePingDoesNotCount() {
        KeepAlive k = keepAlive(0);
        tick(k, INTERVAL);
        lastInbound = INTERVAL - 1;
        tick(k, INTERVAL + TIMEOUT);
        assertEquals(1, aborts.size());
    }

    @Test
    void silenceAfterThePingAbortsAsThisSidesDoingAfterTheTimeout() {
        KeepAlive k = keepAlive(0);
        tick(k, INTERVAL);
        tick(k, INTERVAL + TIMEOUT - 1);
        assertTrue(aborts.isEmpty());
        tick(k, INTERVAL + TIMEOUT);
        assertEquals(1, aborts.size());
        Ending how = aborts.get(0);
        assertTrue(how.local(), "the keepalive is this side's doing");
        assertEquals(CloseStatus.ABNORMAL_CLOSURE, how.status().code());
        assertTrue(how.message().startsWith("Keepalive: nothing arrived within " + Durations.format(Duration.ofNanos(TIMEOUT))), how.message());
        assertInstanceOf(WebSocketException.class, how.cause());
        assertEquals(1, pingsSent(), "and no second Ping");
    }

    @Test
    void theArithmeticSurvivesTheNanoTimeWrap() {
        long start = Long.MAX_VALUE - INTERVAL / 2; // nanoTime may be anywhere, and wraps
        KeepAlive k = keepAlive(start);
        tick(k, start + INTERVAL - 1);
        assertEquals(0, pingsSent());
        tick(k, start + INTERVAL);
        assertEquals(1, pingsSent());
        tick(k, start + INTERVAL + TIMEOUT);
        assertEquals(1, aborts.size());
    }

    @Test
    void aPingClockAtZeroStillCountsAsSent() {
        KeepAlive k = keepAlive(-INTERVAL);
        tick(k, 0); // 0 means "no Ping waiting" inside: the Ping is stamped 1 instead
        assertEquals(1, pingsSent());
        tick(k, TIMEOUT - 1);
        assertEquals(1, pingsSent());
        assertTrue(aborts.isEmpty());
        tick(k, TIMEOUT + 1);
        assertEquals(1, aborts.size());
    }

    @Test
    void aBusyControlSlotSkipsThePingUntilTheNextCheck() throws Exception {
        KeepAlive k = keepAlive(0);
        assertTrue(sender.trySendPing(ByteBuffer.wrap(new byte[] {1}))); // the user's Ping, not yet written
        tick(k, INTERVAL);
        assertEquals(1, pingsSent(), "skipped: a Ping or Pong is being sent already");
        tick(k, INTERVAL + TIMEOUT);
        assertTrue(aborts.isEmpty(), "nothing is awaited for a Ping not sent");
        ws.send(0).complete();
        tick(k, INTERVAL + TIMEOUT + 1);
        assertEquals(2, pingsSent());
    }

    @Test
    void theKeepalivesOwnPongIsConsumedByTheListenerEvenWithoutPongAutoConsume() {
        ConnectionOnFake own = new ConnectionOnFake(4, false, false, 100);
        ConnectionOnFake other = new ConnectionOnFake(4, false, false, 100);
        tick(keepAliveOf(own), INTERVAL);
        tick(keepAliveOf(other), INTERVAL);
        own.ws.deliverPong(own.listener, ByteBuffer.wrap(other.ws.send(0).bytes));
        assertEquals(1, own.queue.held(), "another connection's keepalive Pong is not this one's");
        own.ws.deliverPong(own.listener, ByteBuffer.wrap(own.ws.send(0).bytes));
        assertEquals(1, own.queue.held(), "the keepalive's own Pong never reaches a reader");
        assertEquals(3, own.ws.outstanding(), "and is replaced by demand");
    }

    private KeepAlive keepAliveOf(ConnectionOnFake w) {
        return new KeepAlive(Duration.ofNanos(INTERVAL), Duration.ofNanos(TIMEOUT), () -> now, () -> lastInbound,
                () -> withheldSince, w.sender, w.pings, aborts::add, roundTrips::add, ConnectionOnFake.EVENTS);
    }

    @Test
    void noPingWhileTheReaderIsBehind() {
        KeepAlive k = keepAlive(0);
        withheldSince = INTERVAL / 2;
        for (long t = INTERVAL; t <= 10 * INTERVAL; t += TIMEOUT / 4) {
            tick(k, t);
        }
        assertEquals(0, pingsSent(), "the peer's frames wait in TCP for the reader: a Ping could not be answered");
        assertTrue(aborts.isEmpty());
    }

    @Test
    void aPingsTimeoutDoesNotRunWhileTheReaderIsBehindAndTimingStartsAfreshWhenItCatchesUp() {
        KeepAlive k = keepAlive(0);
        tick(k, INTERVAL);
        assertEquals(1, pingsSent());
        ws.send(0).complete();
        withheldSince = INTERVAL + 1; // the queue filled after the Ping, before its Pong came through
        tick(k, INTERVAL + TIMEOUT);
        tick(k, INTERVAL + 5 * TIMEOUT);
        assertTrue(aborts.isEmpty(), "the Pong waits behind the full queue; the peer is not silent");

        withheldSince = 0;
        long caughtUp = INTERVAL + 5 * TIMEOUT + 1;
        tick(k, caughtUp);
        assertTrue(aborts.isEmpty(), "catching up counts as hearing from the peer");
        tick(k, caughtUp + INTERVAL - 1);
        assertEquals(1, pingsSent(), "the next Ping waits a whole interval after the reader caught up");
        tick(k, caughtUp + INTERVAL);
        assertEquals(2, pingsSent());
        tick(k, caughtUp + INTERVAL + TIMEOUT - 1);
        assertTrue(aborts.isEmpty());
        tick(k, caughtUp + INTERVAL + TIMEOUT);
        assertEquals(1, aborts.size(), "a peer silent after the reader caught up is still found");
    }

    @Test
    void somethingThatArrivesAfterTheReaderCaughtUpCountsFromThen() {
        KeepAlive k = keepAlive(0);
        withheldSince = 1;
        tick(k, INTERVAL);
        withheldSince = 0;
        tick(k, 2 * INTERVAL); // caught up
        lastInbound = 2 * INTERVAL + 5;
        tick(k, 3 * INTERVAL);
        assertEquals(0, pingsSent(), "a part arrived after the catch-up, less than an interval ago");
        tick(k, 3 * INTERVAL + 5);
        assertEquals(1, pingsSent());
    }
}
