package dev.framewire.internal.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.Opcode;
import dev.framewire.ReadTimeoutException;
import dev.framewire.internal.connection.ConnectionOnFake;
import dev.framewire.internal.receive.MessageAssemblerTest.Part;
import dev.framewire.testing.Background;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

/**
 * The read lock, the timeouts and the early end of a message stream of {@link InboundReader}, on
 * the real connection over the fake {@code WebSocket}: what a reader is told when another thread
 * is reading or nothing came, and that closing a stream from outside leaves the lock free and
 * ends the loans of the parts it skips.
 */
class InboundReaderTest {

    private static final Duration NOW = Duration.ZERO;
    private static final Duration SHORT = Duration.ofMillis(50);

    @Test
    void aReadThatFindsNothingSaysWhetherItPolledOrWaited() {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        ReadTimeoutException waited = assertThrows(ReadTimeoutException.class, () -> w.reader.readFrame(SHORT));
        assertEquals("Nothing arrived within 50 ms", waited.getMessage());
        assertEquals(SHORT, waited.timeout());
        ReadTimeoutException polled = assertThrows(ReadTimeoutException.class, () -> w.reader.readMessage(NOW));
        assertEquals("Nothing had arrived (a poll with Duration.ZERO does not wait)", polled.getMessage());
        assertEquals(2, w.connection.stats().readTimeouts());
    }

    @Test
    void aReaderWhileAnotherThreadReadsWaitsOnlyItsOwnTimeAndSaysWhy() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        Background first = Background.start("first", () -> w.reader.readFrame(null)).parked();
        ReadTimeoutException waited = assertThrows(ReadTimeoutException.class, () -> w.reader.readFrame(SHORT));
        assertEquals("Another thread kept reading for longer than 50 ms", waited.getMessage());
        ReadTimeoutException polled = assertThrows(ReadTimeoutException.class, () -> w.reader.openStream(NOW));
        assertEquals("Another thread is reading (a poll with Duration.ZERO does not wait)", polled.getMessage());
        assertEquals(2, w.connection.stats().readTimeouts(), "both count as reads that timed out");
        w.ws.deliverText(w.listener, "for the first", true);
        assertEquals("for the first", ((Part) first.result()).text());
    }

    @Test
    void aStreamClosedFromOutsideLeavesTheLockFreeAndEndsTheLoansOfWhatItSkips() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        w.ws.deliverText(w.listener, "first ", false);
        StreamPart first = w.reader.openStream(NOW);
        assertFalse(first.last());
        w.reader.abandonStream(first.stream()); // no reader inside: carried out here, under the lock

        // Long enough that the listener lends the JDK's buffer instead of copying it.
        CompletionStage<?> skipped = w.ws.deliverText(w.listener, "r".repeat(InboundListener.LEND_FROM_CHARS), false);
        w.ws.deliverText(w.listener, "rest of it", true);
        w.ws.deliverText(w.listener, "the next message", true);
        assertFalse(skipped.toCompletableFuture().isDone(), "lent, until a reader is done with it");
        Background next = Background.start("next", () -> w.reader.readFrame(NOW));
        assertEquals(new Part(Opcode.TEXT, true, "the next message", null), next.result(),
                "another thread reads on: the lock was left, and the rest of the stream's message skipped");
        assertTrue(skipped.toCompletableFuture().isDone(), "the skipped part's buffer went back to the JDK");
    }

    @Test
    void closingAStreamThatHadEndedLeavesTheStreamBeingReadAlone() throws Exception {
        ConnectionOnFake w = new ConnectionOnFake(4, 100);
        w.ws.deliverText(w.listener, "whole", true);
        StreamPart ended = w.reader.openStream(NOW);
        assertTrue(ended.last());
        w.ws.deliverText(w.listener, "one ", false);
        StreamPart current = w.reader.openStream(NOW);
        Background reading = Background.start("reading", () -> w.reader.nextStreamPart()).parked();
        w.reader.abandonStream(ended.stream()); // a reader is inside: it is woken, and must go on waiting
        w.ws.deliverText(w.listener, "two", true);
        StreamPart two = (StreamPart) reading.result();
        assertEquals(current.stream(), two.stream());
        assertEquals("two", new String(two.bytes(), StandardCharsets.UTF_8));
        assertTrue(two.last());
    }
}
