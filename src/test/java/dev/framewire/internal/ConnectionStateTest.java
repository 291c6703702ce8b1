package dev.framewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;
import dev.framewire.internal.ConnectionState.Phase;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lifecycle of a connection: phases only move forward, one Close, one ending. */
class ConnectionStateTest {

    private static final Ending PEER_CLOSE = new Ending(new CloseStatus(1000, "bye"), "The peer closed", null, false);

    /** {@return a state whose phase is {@code phase}, reached the way the code reaches it} */
    private static ConnectionState at(Phase phase) {
        ConnectionState state = new ConnectionState();
        if (phase != Phase.OPEN) {
            assertEquals(Phase.OPEN, state.advance(Phase.OPEN, phase));
        }
        assertEquals(phase, state.phase());
        return state;
    }

    @Test
    void theMovesTheCodeMakesAreAllowedFromEveryPhaseTheDiagramNames() {
        // OPEN ──a message too large──▶ DRAINING
        assertEquals(Phase.OPEN, at(Phase.OPEN).advance(Phase.OPEN, Phase.DRAINING));
        // OPEN, DRAINING ──close() starts──▶ CLOSING
        for (Phase from : List.of(Phase.OPEN, Phase.DRAINING)) {
            assertEquals(from, at(from).advance(Phase.OPEN, Phase.CLOSING));
        }
        // CLOSING ──close() returns──▶ CLOSED
        assertEquals(Phase.CLOSING, at(Phase.CLOSING).advance(Phase.CLOSING, Phase.CLOSED));
    }

    @Test
    void everyMoveIsAllowedExactlyWhenItGoesForwardFromFromOrLater() {
        for (Phase now : Phase.values()) {
            for (Phase from : Phase.values()) {
                for (Phase to : Phase.values()) {
                    ConnectionState state = at(now);
                    Phase moved = state.advance(from, to);
                    boolean allowed = from.compareTo(now) <= 0 && now.compareTo(to) < 0;
                    String move = "advance(" + from + ", " + to + ") at " + now;
                    if (allowed) {
                        assertEquals(now, moved, move);
                        assertEquals(to, state.phase(), move);
                    } else {
                        assertNull(moved, move + " must be refused");
                        assertEquals(now, state.phase(), move + " must change nothing");
                    }
                }
            }
        }
    }

    @Test
    void theRefusalsTheCodeReliesOn() {
        assertNull(at(Phase.CLOSING).advance(Phase.OPEN, Phase.CLOSING), "close() runs once");
        assertNull(at(Phase.CLOSED).advance(Phase.OPEN, Phase.CLOSING), "close() after close() does nothing");
        assertNull(at(Phase.CLOSING).advance(Phase.OPEN, Phase.DRAINING), "never backwards");
        assertNull(at(Phase.OPEN).advance(Phase.CLOSING, Phase.CLOSED), "CLOSED only from CLOSING");
        assertNull(at(Phase.CLOSING).advance(Phase.OPEN, Phase.DRAINING), "a message too large while closing stays CLOSING");
    }

    @Test
    void dropsDataFromDrainingOn() {
        for (Phase p : Phase.values()) {
            assertEquals(p.compareTo(Phase.DRAINING) >= 0, p.dropsData(), p.name());
        }
    }

    @Test
    void aCloseIsClaimedOnceAndNeverAfterTheEnd() {
        ConnectionState state = new ConnectionState();
        CloseStatus normal = new CloseStatus(1000, "");
        assertTrue(state.claimClose(normal));
        assertFalse(state.claimClose(normal));
        assertFalse(state.claimClose(new CloseStatus(1008, "too large")));

        ConnectionState ended = new ConnectionState();
        ended.end(PEER_CLOSE);
        assertFalse(ended.claimClose(normal), "the JDK answers the peer's Close itself");
    }

    @Test
    void theFirstEndingWinsAndCompletesEnded() throws Exception {
        ConnectionState state = new ConnectionState();
        assertNull(state.ending());
        assertFalse(state.ended().isDone());
        assertTrue(state.closeStatus().isEmpty());
        assertTrue(state.end(PEER_CLOSE));
        assertFalse(state.end(Ending.localAbort("later", null)));
        assertSame(PEER_CLOSE, state.ending());
        assertSame(PEER_CLOSE, state.ended().get(0, TimeUnit.SECONDS));
        assertEquals(new CloseStatus(1000, "bye"), state.closeStatus().orElseThrow());
    }

    @Test
    void isOpenAndClosingLocally() {
        ConnectionState open = new ConnectionState();
        assertTrue(open.isOpen());
        assertFalse(open.closingLocally());

        ConnectionState claimed = new ConnectionState();
        claimed.claimClose(new CloseStatus(1000, ""));
        assertFalse(claimed.isOpen(), "a Close went out");
        assertTrue(claimed.closingLocally());

        for (Phase p : List.of(Phase.DRAINING, Phase.CLOSING, Phase.CLOSED)) {
            assertFalse(at(p).isOpen(), p.name());
            assertTrue(at(p).closingLocally(), p.name());
        }

        ConnectionState peerClosed = new ConnectionState();
        peerClosed.end(PEER_CLOSE);
        assertFalse(peerClosed.isOpen());
        assertFalse(peerClosed.closingLocally(), "the peer ended it");
    }

    @Test
    void sendRefusalSaysWhy() {
        assertNull(new ConnectionState().sendRefusal());

        ConnectionState sent = new ConnectionState();
        sent.claimClose(new CloseStatus(4000, "done"));
        ConnectionClosedException afterClose = sent.sendRefusal();
        assertNotNull(afterClose);
        assertTrue(afterClose.getMessage().startsWith("A Close (" + new CloseStatus(4000, "done") + ") was already sent"),
                afterClose.getMessage());
        assertTrue(afterClose.initiatedLocally());
        assertEquals(new CloseStatus(4000, "done"), afterClose.closeStatus());

        ConnectionClosedException closing = at(Phase.CLOSING).sendRefusal();
        assertTrue(closing.getMessage().startsWith("This side is closing the connection: nothing more may be sent"),
                closing.getMessage());
        assertTrue(closing.initiatedLocally());
        assertEquals(CloseStatus.NORMAL_CLOSURE, closing.closeStatus().code());

        ConnectionState ended = new ConnectionState();
        ended.claimClose(new CloseStatus(1000, ""));
        ended.end(PEER_CLOSE);
        ConnectionClosedException afterEnd = ended.sendRefusal();
        assertEquals("The peer closed", afterEnd.getMessage(), "the ending explains itself once there is one");
        assertFalse(afterEnd.initiatedLocally());
        assertEquals(new CloseStatus(1000, "bye"), afterEnd.closeStatus());
    }

    // ---- races ----

    private static final int THREADS = 4;
    private static final int ROUNDS = 200;

    private static ExecutorService racers;

    @BeforeAll
    static void startRacers() {
        racers = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    static void stopRacers() {
        racers.shutdownNow();
    }

    /** Runs {@code racer} on {@link #THREADS} threads released together; {@return how many won} */
    private static int race(IntPredicate racer) throws Exception {
        CountDownLatch ready = new CountDownLatch(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            int id = i;
            outcomes.add(racers.submit(() -> {
                ready.countDown();
                start.await();
                return racer.test(id);
            }));
        }
        assertTrue(ready.await(5, TimeUnit.SECONDS), "every racer is at the start");
        start.countDown();
        int wins = 0;
        for (Future<Boolean> outcome : outcomes) {
            wins += outcome.get(5, TimeUnit.SECONDS) ? 1 : 0;
        }
        return wins;
    }

    @Test
    void racingThreadsWinEachStepExactlyOnce() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            ConnectionState state = new ConnectionState();
            // Half race close() (to CLOSING), half a message too large (to DRAINING): one leaves OPEN.
            assertEquals(1, race(id -> state.advance(Phase.OPEN, id % 2 == 0 ? Phase.CLOSING : Phase.DRAINING) == Phase.OPEN),
                    "one leaves OPEN");
            assertTrue(state.phase() == Phase.CLOSING || state.phase() == Phase.DRAINING);

            assertEquals(1, race(id -> state.claimClose(new CloseStatus(1000 + id, ""))), "one Close");

            List<Ending> endings = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                endings.add(Ending.localAbort("racer " + i, null));
            }
            assertEquals(1, race(id -> state.end(endings.get(id))), "one ending");
            assertSame(state.ending(), state.ended().getNow(null));
            assertTrue(endings.contains(state.ending()));
        }
    }

    @Test
    void aCloseRacingTheEndIsClaimedAtMostOnce() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            ConnectionState state = new ConnectionState();
            AtomicInteger claimed = new AtomicInteger();
            race(id -> {
                if (id == 0) {
                    return state.end(PEER_CLOSE);
                }
                if (state.claimClose(new CloseStatus(1000, ""))) {
                    claimed.incrementAndGet();
                }
                return false;
            });
            assertTrue(claimed.get() <= 1);
            assertSame(PEER_CLOSE, state.ending());
        }
    }
}
