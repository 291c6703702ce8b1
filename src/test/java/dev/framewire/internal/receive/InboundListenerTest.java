package dev.framewire.internal.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.Opcode;
import dev.framewire.internal.ConnectionLog;
import dev.framewire.internal.ConnectionState;

import java.net.URI;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

/**
 * When the listener keeps the JDK's text buffer instead of copying it, and that every kept buffer
 * is given back: read, or dropped. The listener is driven as the JDK drives it, one call at a time;
 * no WebSocket is needed because these calls never ask the JDK for anything but demand.
 */
class InboundListenerTest {

    private final ConnectionState state = new ConnectionState();
    private final ReceiveQueue queue = new ReceiveQueue(64, state);
    private final InboundListener listener = new InboundListener(queue, state, new PingTracker(),
            true, false, new ConnectionLog(URI.create("ws://127.0.0.1/")), new ReceiveCounts());

    @Test
    void aMessageInOnePartIsCopiedAtOnce() throws Exception {
        assertNull(listener.onText(null, CharBuffer.wrap("whole"), true));
        TextPart whole = assertInstanceOf(TextPart.class, queue.take(0));
        assertFalse(whole.isLent(), "a whole message is copied at once");
        assertEquals("whole", whole.takeText());
    }

    @Test
    void largePartsOfALongerMessageAreLentUntilTheReaderCopiesThem() throws Exception {
        CharBuffer jdkBuffer = CharBuffer.wrap(large("first"));
        CompletionStage<?> loan = listener.onText(null, jdkBuffer, false);
        assertNotNull(loan, "a kept buffer must not be reclaimed by the JDK yet");
        assertFalse(loan.toCompletableFuture().isDone());
        assertNotNull(listener.onText(null, CharBuffer.wrap(large("last")), true));

        TextPart first = assertInstanceOf(TextPart.class, queue.take(0));
        assertEquals(Opcode.TEXT, first.opcode());
        assertEquals(large("first"), first.takeText());
        assertTrue(loan.toCompletableFuture().isDone());
        assertFalse(first.isLast());
        TextPart last = assertInstanceOf(TextPart.class, queue.take(0));
        assertEquals(Opcode.CONTINUATION, last.opcode());
        assertTrue(last.isLast());
    }

    @Test
    void smallPartsAreCopiedAtOnceBecauseThatIsCheaperThanALoan() throws Exception {
        int small = InboundListener.LEND_FROM_CHARS - 1;
        assertNull(listener.onText(null, CharBuffer.wrap("s".repeat(small)), false));
        assertNull(listener.onText(null, CharBuffer.wrap("end"), true));
        TextPart first = assertInstanceOf(TextPart.class, queue.take(0));
        assertEquals(Opcode.TEXT, first.opcode());
        assertFalse(first.isLent());
        assertFalse(first.isLast());
        TextPart last = assertInstanceOf(TextPart.class, queue.take(0));
        assertEquals(Opcode.CONTINUATION, last.opcode());
        assertEquals("end", last.takeText());
    }

    @Test
    void aBacklogIsCopiedSoASlowReaderHoldsCompactStrings() throws Exception {
        List<CompletionStage<?>> loans = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            loans.add(listener.onText(null, CharBuffer.wrap(large("part " + i)), false));
        }
        int lent = InboundListener.LEND_WHILE_FEWER_WAITING;
        for (int i = 0; i < 20; i++) {
            assertEquals(i < lent, loans.get(i) != null, "part " + i);
        }
        for (int i = 0; i < 20; i++) {
            TextPart part = assertInstanceOf(TextPart.class, queue.take(0));
            assertEquals(i < lent, part.isLent(), "part " + i);
            assertEquals(large("part " + i), part.takeText());
        }
        loans.stream().limit(lent).forEach(loan -> assertTrue(loan.toCompletableFuture().isDone()));
    }

    @Test
    void droppedPartsGiveTheirBuffersBack() {
        CompletionStage<?> queued = listener.onText(null, CharBuffer.wrap(large("queued")), false);
        state.advance(ConnectionState.Phase.OPEN, ConnectionState.Phase.CLOSING);
        queue.discardAll();
        assertTrue(queued.toCompletableFuture().isDone(), "dropped from the queue");
        CompletionStage<?> late = listener.onText(null, CharBuffer.wrap(large("late")), true);
        assertTrue(late == null || late.toCompletableFuture().isDone(), "dropped on arrival");
    }

    /** {@return a part just long enough to be lent, starting with {@code label}} */
    private static String large(String label) {
        return label + "-".repeat(InboundListener.LEND_FROM_CHARS);
    }
}
