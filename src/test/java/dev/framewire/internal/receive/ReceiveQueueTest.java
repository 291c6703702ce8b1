package dev.framewire.internal.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.framewire.ConnectionClosedException;
import dev.framewire.MessageTooLargeException;
import dev.framewire.Opcode;
import dev.framewire.ReadTimeoutException;
import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.ConnectionState.Phase;
import dev.framewire.internal.Ending;
import dev.framewire.internal.connection.ConnectionOnFake;
import dev.framewire.internal.receive.MessageAssemblerTest.Part;
import dev.framewire.testing.FakeWebSocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

/**
 * The receive path's flow control, driven by hand through a {@link FakeWebSocket} that holds the
 * JDK to its contract (nothing is delivered without demand): items queued plus the demand the JDK
 * still owes never exceed the capacity, and no delivery, read or drop loses demand.
 *
 * <p>Every step here runs on the test thread and leaves no window open between taking a part and
 * asking for the next one, so between steps the sum is not only at most the capacity but exactly
 * it: anything less is demand that leaked, and the connection would stall.
 */
class ReceiveQueueTest {

    private static final Duration NOW = Duration.ZERO; // a read that finds nothing times out at once

    @Test
    void openingAsksForExactlyTheCapacity() {
        ConnectionOnFake w = new ConnectionOnFake(5, 100);
        assertEquals(5, w.ws.requested());
        assertEquals(5, w.ws.outstanding());
        assertEquals(0, w.queue.held());
    }

    @Test
    void aFullQueueHasNoDemandOutAndEachReadAsksForOneMore() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(3, 100);
        for (int i = 0; i < 3; i++) {
            w.ws.deliverBinary(w.listener, new byte[] {(byte) i}, true);
        }
        assertEquals(3, w.queue.held());
        assertEquals(0, w.ws.outstanding(), "the JDK may deliver nothing more: the fake would fail the test");
        w.reader.readFrame(NOW);
        assertEquals(1, w.ws.outstanding());
        assertEquals(2, w.queue.held());
        assertEquals(3, w.queue.highWater());
    }

    @Test
    void filteredPingsAndPongsAreReplacedByDemandAtOnce() {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        w.ws.deliverPing(w.listener, ByteBuffer.wrap(new byte[] {1}));
        w.ws.deliverPong(w.listener, ByteBuffer.wrap(new byte[] {2}));
        w.ws.deliverPong(w.listener, w.pings.register().payload());
        assertEquals(0, w.queue.held(), "nothing queued");
        assertEquals(4, w.ws.outstanding(), "each one asked for one more part");
        assertEquals(7, w.ws.requested());
    }

    @Test
    void deliveredPingsAndUnfilteredPongsAreQueuedLikeData() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(4, false, true, 100);
        w.ws.deliverPing(w.listener, ByteBuffer.wrap(new byte[] {1}));
        w.ws.deliverPong(w.listener, ByteBuffer.wrap(new byte[] {2}));
        w.ws.deliverPong(w.listener, w.pings.register().payload()); // our own: consumed even so
        assertEquals(2, w.queue.held());
        assertEquals(2, w.ws.outstanding());
        assertEquals(Opcode.PING, w.reader.readFrame(NOW).opcode());
        assertEquals(Opcode.PONG, w.reader.readFrame(NOW).opcode());
        assertEquals(4, w.ws.outstanding());
    }

    @Test
    void dataDroppedOnArrivalIsReplacedByDemand() {
        ConnectionOnFake w = new ConnectionOnFake(2, 100);
        w.state.advance(Phase.OPEN, Phase.DRAINING);
        for (int i = 0; i < 10; i++) { // far more than the capacity: each drop asks for one more
            w.ws.deliverText(w.listener, "dropped " + i, i % 3 == 2);
            w.ws.deliverBinary(w.listener, new byte[3], true);
        }
        assertEquals(0, w.queue.held());
        assertEquals(2, w.ws.outstanding());
    }

    @Test
    void discardAllReplacesWhatItDropsButKeepsThePeersCloseAndTheEnd() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        w.ws.deliverText(w.listener, "a", false);
        w.ws.deliverBinary(w.listener, new byte[1], true); // (the peer breaks the rules; not our business here)
        w.ws.deliverClose(w.listener, 1000, "bye");
        assertEquals(3, w.queue.held());
        assertEquals(1, w.ws.outstanding());
        w.state.advance(Phase.OPEN, Phase.CLOSING);
        w.queue.discardAll();
        assertEquals(1, w.queue.held(), "the peer's Close stays");
        assertEquals(3, w.ws.outstanding());
        Part close = w.reader.readFrame(NOW);
        assertEquals(Opcode.CLOSE, close.opcode());
        assertEquals(4, w.ws.outstanding());
        assertThrows(ConnectionClosedException.class, () -> w.reader.readFrame(NOW));
        assertThrows(ConnectionClosedException.class, () -> w.reader.readFrame(NOW), "the end is sticky");
        assertEquals(4, w.heldPlusOutstanding());
    }

    @Test
    void aReaderThatTimesOutTakesNothingAndAsksForNothing() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(3, 100);
        assertThrows(ReadTimeoutException.class, () -> w.reader.readFrame(NOW));
        assertThrows(ReadTimeoutException.class, () -> w.reader.readMessage(Duration.ofNanos(1)));
        assertEquals(3, w.ws.requested());
        w.ws.deliverText(w.listener, "half", false);
        assertThrows(ReadTimeoutException.class, () -> w.reader.readMessage(NOW));
        assertEquals(1, w.reader.heldParts(), "the part is the assembler's now");
        assertEquals(0, w.queue.held());
        assertEquals(3, w.ws.outstanding(), "and its slot was given back to the JDK");
        w.ws.deliverText(w.listener, " and half", true);
        assertEquals("half and half", w.reader.readMessage(NOW));
        assertEquals(3, w.heldPlusOutstanding());
    }

    @Test
    void aMessageTooLargeDrainsTheRestWithoutLosingDemand() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(4, 8);
        w.ws.deliverBinary(w.listener, new byte[5], false);
        w.ws.deliverBinary(w.listener, new byte[5], false);
        w.ws.deliverText(w.listener, "next", true);
        assertThrows(MessageTooLargeException.class, () -> w.reader.readMessage(NOW));
        assertEquals(Phase.DRAINING, w.state.phase());
        FakeWebSocket.Send close = w.ws.send(0);
        assertEquals(FakeWebSocket.Kind.CLOSE, close.kind);
        assertEquals(1008, close.code);
        assertEquals(0, w.queue.held(), "the rest was dropped");
        assertEquals(4, w.ws.outstanding(), "and replaced by demand, so the peer's Close can come");
        w.ws.deliverBinary(w.listener, new byte[5], true);
        w.ws.deliverClose(w.listener, 1008, "");
        assertEquals(Opcode.CLOSE, w.reader.readFrame(NOW).opcode());
        assertEquals(4, w.heldPlusOutstanding());
    }

    @Test
    void theJdkMayDeliverInsideRequestOnTheReadersThread() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(2, 100);
        ArrayDeque<String> backlog = new ArrayDeque<>(List.of("c", "d", "e"));
        w.ws.deliverText(w.listener, "a", true);
        w.ws.deliverText(w.listener, "b", true);
        w.ws.whenRequested(() -> {
            if (w.ws.outstanding() > 0 && !backlog.isEmpty()) {
                w.ws.deliverText(w.listener, backlog.removeFirst(), true);
            }
        });
        List<Object> read = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            read.add(w.reader.readMessage(NOW));
            assertTrue(w.heldPlusOutstanding() <= 2);
        }
        assertEquals(List.of("a", "b", "c", "d", "e"), read);
        assertEquals(2, w.ws.outstanding());
    }

    /**
     * A part can land behind the end: {@code FrameSocket.abortWith} ends the queue, then aborts
     * the JDK, and a listener call already running on the JDK's thread (the Ping sender of the
     * keepalive, a send timeout or {@code abort()} run on other threads) adds its part between
     * the two. Once a read has reported the end, no later read may return a frame.
     */
    @Test
    void aPartThatLandsBehindTheEndIsNeverRead() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        w.ws.deliverText(w.listener, "before", true);
        Ending aborted = Ending.localAbort("aborted by the test", null);
        w.listener.finish(aborted);                       // abortWith, first half
        w.ws.deliverText(w.listener, "raced in", true);   // the JDK's listener call in flight
        w.ws.abort();                                     // abortWith, second half
        assertEquals("before", w.reader.readFrame(NOW).text(), "nothing that arrived before the end is lost");
        assertThrows(ConnectionClosedException.class, () -> w.reader.readFrame(NOW));
        for (int i = 0; i < 3; i++) {
            assertThrows(ConnectionClosedException.class, () -> w.reader.readFrame(NOW),
                    "a read after the end reported it must report it again");
            assertThrows(ConnectionClosedException.class, () -> w.reader.readMessage(NOW));
        }
    }

    // ---- random and adversarial sequences ----

    private static final int RUNS = 100;
    private static final int STEPS = 150;

    @Test
    void randomSequencesKeepTheInvariantAndNeverLeakDemand() throws Exception {
        long seed = Long.getLong("framewire.seed", System.nanoTime());
        System.out.println("ReceiveQueueTest seed: " + seed + " (rerun with -Dframewire.seed=" + seed + ")");
        Random seeds = new Random(seed);
        for (int run = 0; run < RUNS; run++) {
            long runSeed = seeds.nextLong();
            try {
                new RandomRun(new Random(runSeed)).run();
            } catch (AssertionError | Exception e) {
                throw new AssertionError("seed " + seed + ", run " + run + " (run seed " + runSeed + "): " + e, e);
            }
        }
    }

    /** One random connection: a peer that keeps the protocol (or drops), a reader, and this side closing. */
    private static final class RandomRun {
        private final Random r;
        private final int capacity;
        private final boolean pongAutoConsume;
        private final boolean deliverPings;
        private final ConnectionOnFake w;
        private final List<CompletionStage<?>> loans = new ArrayList<>();
        private final List<String> log = new ArrayList<>();
        private Opcode peerMessage; // the type of the message the peer is in the middle of, or null

        RandomRun(Random r) {
            this.r = r;
            capacity = 1 + r.nextInt(8);
            pongAutoConsume = r.nextBoolean();
            deliverPings = r.nextBoolean();
            w = new ConnectionOnFake(capacity, pongAutoConsume, deliverPings, 1 + r.nextInt(3 * InboundListener.LEND_FROM_CHARS));
        }

        void run() throws Exception {
            for (int step = 0; step < STEPS; step++) {
                long heldBefore = w.queue.held();
                String action = step(heldBefore);
                log.add(action);
                long sum = w.heldPlusOutstanding();
                assertTrue(sum <= capacity, () -> "queued + outstanding = " + sum + " > " + capacity + " after " + log);
                assertEquals(capacity, sum, () -> "demand leaked after " + log);
                if (action.endsWith("ConnectionClosedException")) {
                    break; // the end was read: later reads only throw again, at a cost of a stack trace each
                }
            }
            if (r.nextBoolean()) {
                drain();
            }
            w.close();
            assertTrue(w.heldPlusOutstanding() <= capacity);
            for (CompletionStage<?> loan : loans) {
                assertTrue(loan.toCompletableFuture().isDone(), () -> "a loan stayed open after " + log);
            }
        }

        /** Reads until nothing is left, then checks that every slot is asked for again. */
        private void drain() throws Exception {
            for (int i = 0; i < 4 * STEPS; i++) {
                try {
                    w.reader.readFrame(NOW);
                } catch (ReadTimeoutException | ConnectionClosedException nothingMore) {
                    assertEquals(0, w.queue.held(), () -> "drained, yet items are held after " + log);
                    assertEquals(capacity, w.ws.outstanding(), () -> "drained, yet demand is missing after " + log);
                    assertEquals(0, w.reader.heldParts());
                    return;
                }
            }
            fail("the queue never ran dry");
        }

        private String step(long heldBefore) throws Exception {
            boolean canDeliver = w.ws.outstanding() > 0 && !w.ws.isInputClosed();
            int dice = r.nextInt(100);
            if (canDeliver && dice < 35) {
                return deliverData(heldBefore);
            }
            if (canDeliver && dice < 45) {
                return deliverControl(heldBefore);
            }
            if (dice < 70) {
                return readFrame();
            }
            if (dice < 93) {
                return readMessage();
            }
            return rareEvent(canDeliver);
        }

        private String deliverData(long heldBefore) {
            Opcode type = peerMessage != null ? peerMessage : (r.nextBoolean() ? Opcode.TEXT : Opcode.BINARY);
            boolean last = r.nextInt(3) == 0;
            int length = r.nextInt(4) == 0 ? InboundListener.LEND_FROM_CHARS + r.nextInt(64) : r.nextInt(16);
            peerMessage = last ? null : type;
            boolean drops = w.state.phase().dropsData();
            if (type == Opcode.TEXT) {
                CompletionStage<?> loan = w.ws.deliverText(w.listener, "t".repeat(length), last);
                if (loan != null) {
                    loans.add(loan);
                }
            } else {
                w.ws.deliverBinary(w.listener, new byte[length], last);
            }
            assertEquals(heldBefore + (drops ? 0 : 1), w.queue.held(),
                    () -> drops ? "data arriving while dropping must be dropped" : "data must be queued");
            return type + " " + length + (last ? " last" : " more");
        }

        private String deliverControl(long heldBefore) {
            boolean filtered;
            String what;
            if (r.nextBoolean()) {
                w.ws.deliverPing(w.listener, ByteBuffer.wrap(new byte[] {1, 2}));
                filtered = !deliverPings;
                what = "PING";
            } else if (r.nextBoolean()) {
                w.ws.deliverPong(w.listener, w.pings.register().payload());
                filtered = true;
                what = "own PONG";
            } else {
                w.ws.deliverPong(w.listener, ByteBuffer.wrap(new byte[] {3}));
                filtered = pongAutoConsume;
                what = "PONG";
            }
            boolean dropped = !filtered && w.state.phase().dropsData(); // a Ping or Pong is dropped like data
            assertEquals(heldBefore + (filtered || dropped ? 0 : 1), w.queue.held(), what);
            return what;
        }

        private String readFrame() throws IOException {
            try {
                Part frame = w.reader.readFrame(r.nextBoolean() ? NOW : Duration.ofNanos(r.nextInt(1000)));
                return "readFrame " + frame.opcode();
            } catch (ReadTimeoutException | ConnectionClosedException e) {
                return "readFrame: " + e.getClass().getSimpleName();
            }
        }

        private String readMessage() throws IOException {
            try {
                Object message = w.reader.readMessage(NOW);
                return "readMessage " + (message instanceof String ? "text" : "binary");
            } catch (ReadTimeoutException | ConnectionClosedException | MessageTooLargeException e) {
                return "readMessage: " + e.getClass().getSimpleName();
            }
        }

        private String rareEvent(boolean canDeliver) {
            int which = r.nextInt(6);
            if (which == 0 && canDeliver) {
                w.ws.deliverClose(w.listener, 1000, "bye");
                return "peer Close";
            }
            if (which == 1 && !w.ws.isInputClosed()) {
                w.ws.deliverDrop(w.listener);
                return "dropped (1006)";
            }
            if (which == 2 && !w.ws.isInputClosed()) {
                w.ws.deliverError(w.listener, new IOException("connection reset"));
                return "error";
            }
            if (which == 3) {
                Phase from = w.state.advance(Phase.OPEN, Phase.CLOSING);
                w.queue.discardAll();
                return "close() starts (from " + from + ")";
            }
            if (which == 4) {
                Phase from = w.state.advance(Phase.OPEN, Phase.DRAINING);
                w.queue.discardAll();
                return "draining (from " + from + ")";
            }
            if (!w.ws.isInputClosed()) {
                w.abort(Ending.localAbort("aborted by the test", null));
                return "abort";
            }
            return "nothing";
        }
    }

    @Test
    void theRandomRunIsItselfDeterministic() throws Exception {
        // A failure must reproduce from its seed: the same seed reads the same things.
        assertEquals(trace(42), trace(42));
    }

    private static List<String> trace(long seed) throws Exception {
        RandomRun run = new RandomRun(new Random(seed));
        run.run();
        return run.log;
    }

    @Test
    void demandIsWithheldExactlyWhileTheQueueIsFull() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(2, 100);
        assertEquals(0, w.queue.demandWithheldSince());
        long before = System.nanoTime();
        w.ws.deliverBinary(w.listener, new byte[] {1}, true);
        assertEquals(0, w.queue.demandWithheldSince(), "room for one more: the JDK still has demand");
        long beforeItFilled = System.nanoTime();
        w.ws.deliverBinary(w.listener, new byte[] {2}, true);
        long since = w.queue.demandWithheldSince();
        assertTrue(since != 0 && since - before >= 0, "full since it filled: " + since);
        assertTrue(since - beforeItFilled >= 0, "stamped when the last slot filled, not at an earlier part: " + since);
        assertEquals(since, w.queue.demandWithheldSince(), "the same time, asked again: the fill's, not the clock's");
        assertEquals(w.queue.capacity(), w.queue.held() + w.ws.outstanding());
        assertEquals(0, w.ws.outstanding());
        w.reader.readFrame(NOW);
        assertEquals(0, w.queue.demandWithheldSince(), "a reader took a part: demand again");
        w.ws.deliverBinary(w.listener, new byte[] {3}, true);
        long again = w.queue.demandWithheldSince();
        assertTrue(again - since >= 0 && again != 0, "a fresh time for the second fill");
        w.close();
        assertEquals(0, w.queue.demandWithheldSince(), "close() dropped the unread parts");
    }
}
