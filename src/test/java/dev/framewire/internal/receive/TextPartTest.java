package dev.framewire.internal.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.ConnectionClosedException;
import dev.framewire.MessageTooLargeException;
import dev.framewire.Opcode;
import dev.framewire.ReadTimeoutException;
import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.ConnectionState.Phase;
import dev.framewire.internal.Ending;
import dev.framewire.internal.connection.ConnectionOnFake;
import dev.framewire.testing.Background;

import java.nio.CharBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every lent text part's loan ends exactly when its last owner is done with it, never before
 * (the JDK could reuse a buffer still to be read) and never not at all (the JDK's buffer would be
 * held for good). Parts are lent through the listener as the JDK lends them: the stage it returns
 * is the loan.
 */
class TextPartTest {

    private static final Duration NOW = Duration.ZERO;
    private static final int LONG = InboundListener.LEND_FROM_CHARS;

    private final ConnectionOnFake w = new ConnectionOnFake(16, 16 * LONG);
    private final List<CompletionStage<?>> loans = new ArrayList<>();

    /** Delivers a part long enough to be lent, and checks that it was. */
    private CompletionStage<?> lend(char c, boolean last) {
        CompletionStage<?> loan = w.ws.deliverText(w.listener, String.valueOf(c).repeat(LONG), last);
        assertNotNull(loan, "lent");
        assertFalse(loan.toCompletableFuture().isDone(), "lent until its owner is done with it");
        loans.add(loan);
        return loan;
    }

    private static boolean ended(CompletionStage<?> loan) {
        return loan.toCompletableFuture().isDone();
    }

    @AfterEach
    void noLoanStaysOpen() {
        w.close();
        for (CompletionStage<?> loan : loans) {
            assertTrue(ended(loan), "every loan ended by the end of the sequence");
        }
    }

    @Test
    void readFrameEndsTheLoanOfThePartItReturns() throws Exception {
        CompletionStage<?> first = lend('a', false);
        CompletionStage<?> second = lend('b', false);
        assertEquals("a".repeat(LONG), w.reader.readFrame(NOW).text());
        assertTrue(ended(first));
        assertFalse(ended(second), "a part still queued stays lent");
        assertEquals(Opcode.CONTINUATION, w.reader.readFrame(NOW).opcode());
        assertTrue(ended(second));
    }

    @Test
    void readMessageEndsTheLoansWhenItJoinsTheParts() throws Exception {
        CompletionStage<?> first = lend('a', false);
        assertThrows(ReadTimeoutException.class, () -> w.reader.readMessage(NOW));
        assertFalse(ended(first), "held by the assembler, still lent: joined later without a copy per part");
        CompletionStage<?> last = lend('b', true);
        assertEquals("a".repeat(LONG) + "b".repeat(LONG), w.reader.readMessage(NOW));
        assertTrue(ended(first));
        assertTrue(ended(last));
    }

    @Test
    void aReadFrameBetweenReadMessagesEndsTheLoanOfTheHeldPartItReturns() throws Exception {
        CompletionStage<?> first = lend('a', false);
        CompletionStage<?> second = lend('b', false);
        assertThrows(ReadTimeoutException.class, () -> w.reader.readMessage(NOW));
        assertEquals("a".repeat(LONG), w.reader.readFrame(NOW).text(), "the held parts come back first");
        assertTrue(ended(first));
        assertFalse(ended(second));
    }

    @Test
    void discardAllEndsTheLoansOfWhatItDrops() {
        CompletionStage<?> first = lend('a', false);
        CompletionStage<?> second = lend('b', true);
        w.state.advance(Phase.OPEN, Phase.CLOSING);
        w.queue.discardAll();
        assertTrue(ended(first));
        assertTrue(ended(second));
    }

    @Test
    void aPartDroppedOnArrivalIsGivenBackAtOnce() {
        lend('a', false);
        w.state.advance(Phase.OPEN, Phase.DRAINING);
        CompletionStage<?> late = w.ws.deliverText(w.listener, "b".repeat(LONG), false);
        assertTrue(late == null || ended(late), "nothing will read it");
    }

    @Test
    void aReaderThatFindsDataWhileDroppingEndsItsLoan() throws Exception {
        CompletionStage<?> queued = lend('a', false);
        w.state.advance(Phase.OPEN, Phase.DRAINING); // without discardAll: the part is still queued
        w.ws.deliverClose(w.listener, 1000, "");
        assertEquals(Opcode.CLOSE, w.reader.readFrame(NOW).opcode(), "the data is skipped");
        assertTrue(ended(queued));
    }

    @Test
    void resetEndsTheLoansOfTheHeldParts() throws Exception {
        MessageAssembler assembler = new MessageAssembler(8 * LONG);
        CompletionStage<?> loan = lend('a', false);
        w.queue.take(0).addTo(assembler);
        assertFalse(ended(loan));
        assembler.reset();
        assertTrue(ended(loan));
    }

    @Test
    void aMessageRefusedAsTooLargeEndsTheLoansOfTheRefusedPartAndTheHeldOnes() throws Exception {
        ConnectionOnFake small = new ConnectionOnFake(16, LONG + 10);
        List<CompletionStage<?>> lent = new ArrayList<>();
        lent.add(small.ws.deliverText(small.listener, "a".repeat(LONG), false));
        assertThrows(ReadTimeoutException.class, () -> small.reader.readMessage(NOW));
        lent.add(small.ws.deliverText(small.listener, "b".repeat(LONG), false));
        lent.add(small.ws.deliverText(small.listener, "c".repeat(LONG), true)); // queued behind: dropped
        assertThrows(MessageTooLargeException.class, () -> small.reader.readMessage(NOW));
        for (CompletionStage<?> loan : lent) {
            assertNotNull(loan);
            assertTrue(ended(loan));
        }
        assertEquals(0, small.reader.heldParts());
    }

    @Test
    void aTooLargeLastPartArrivingAloneEndsItsLoan() throws Exception {
        ConnectionOnFake small = new ConnectionOnFake(16, LONG);
        small.ws.deliverText(small.listener, "a", false);
        assertEquals(Opcode.TEXT, small.reader.readFrame(NOW).opcode());
        CompletionStage<?> last = small.ws.deliverText(small.listener, "é".repeat(LONG), true); // 2 bytes a char
        assertNotNull(last);
        assertThrows(MessageTooLargeException.class, () -> small.reader.readMessage(NOW));
        assertTrue(ended(last));
    }

    @Test
    void closeEndsTheLoansAnUnfinishedMessageHeld() {
        CompletionStage<?> held = lend('a', false);
        assertThrows(ReadTimeoutException.class, () -> w.reader.readMessage(NOW));
        w.state.advance(Phase.OPEN, Phase.CLOSING);
        w.queue.discardAll();
        assertFalse(ended(held), "held by the reader's assembler, not the queue");
        w.state.advance(Phase.CLOSING, Phase.CLOSED);
        w.reader.dropHeldParts();
        assertTrue(ended(held));
    }

    @Test
    void aReaderInsideWhenCloseRunsEndsTheLoansAsItLeaves() throws Exception {
        CompletionStage<?> held = lend('a', false);
        Background reader = Background.start("reader", () -> w.reader.readMessage(null)).parked();
        assertEquals(0, w.queue.held(), "the reader took the part and waits for the rest");
        w.state.advance(Phase.OPEN, Phase.CLOSING);
        w.queue.discardAll();
        w.state.advance(Phase.CLOSING, Phase.CLOSED);
        w.reader.dropHeldParts(); // finds the reader inside: leaves the parts to it
        assertFalse(ended(held), "still the reader's");
        w.abort(Ending.localAbort("the peer's Close did not come", null)); // wakes the reader
        reader.failure(ConnectionClosedException.class);
        assertTrue(ended(held), "dropped by the reader as it left");
    }

    @Test
    void aBacklogIsCopiedSoOnlyTheFirstPartsAreLent() throws Exception {
        for (int i = 0; i < InboundListener.LEND_WHILE_FEWER_WAITING; i++) {
            lend('a', false);
        }
        assertEquals(null, w.ws.deliverText(w.listener, "b".repeat(LONG), true), "copied: no loan to end");
        assertEquals(InboundListener.LEND_WHILE_FEWER_WAITING * LONG + LONG, ((String) w.reader.readMessage(NOW)).length());
        for (CompletionStage<?> loan : loans) {
            assertTrue(ended(loan));
        }
    }

    @Test
    void aLentPartCopiedByTheAssemblerEndsItsLoanThen() throws Exception {
        ConnectionOnFake big = new ConnectionOnFake(4, 1 << 20);
        int part = MessageAssembler.KEEP_LENT_UP_TO_CHARS / 2 + 1;
        CompletionStage<?> first = big.ws.deliverText(big.listener, "a".repeat(part), false);
        assertThrows(ReadTimeoutException.class, () -> big.reader.readMessage(NOW));
        assertFalse(ended(first));
        CompletionStage<?> second = big.ws.deliverText(big.listener, "b".repeat(part), false);
        assertThrows(ReadTimeoutException.class, () -> big.reader.readMessage(NOW));
        assertTrue(ended(first), "past the limit held parts are copied, and their loans end");
        assertTrue(ended(second));
        big.close();
    }

    @Test
    void aPartThatRacedInBehindTheEndIsGivenBackByClose() throws Exception {
        w.listener.finish(Ending.localAbort("aborted", null));
        CompletionStage<?> late = lend('a', false);
        assertThrows(ConnectionClosedException.class, () -> w.reader.readFrame(NOW));
        assertFalse(ended(late), "queued behind the end: nobody reads it");
        // noLoanStaysOpen: close() drops it
    }
}
