package dev.framewire.internal.receive;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/**
 * Which Pongs framewire takes as answers to its own Pings: only one that carries this
 * connection's marker, random number and the number of a Ping it sent. Anything else is the
 * user's and must reach readFrame (with pongAutoConsume off).
 */
class PingTrackerTest {

    /** {@return {@code ours} with its sequence number replaced by {@code id}} */
    private static ByteBuffer withId(ByteBuffer ours, long id) {
        ByteBuffer forged = ByteBuffer.allocate(ours.remaining()).put(ours.duplicate()).flip();
        return forged.putLong(10, id);
    }

    @Test
    void aPongIsOursOnlyForAPingThisTrackerSent() {
        PingTracker pings = new PingTracker();
        PingTracker.Pending sent = pings.register();
        assertFalse(pings.answer(withId(sent.payload(), 0)), "no Ping has number 0");
        assertFalse(pings.answer(withId(sent.payload(), 2)), "Ping 2 was never sent");
        assertFalse(new PingTracker().answer(sent.payload().duplicate()), "another connection's Pong");
        assertFalse(pings.answer(ByteBuffer.wrap(new byte[18])), "the user's own 18 bytes");
        assertTrue(pings.answer(sent.payload().duplicate()));
        assertTrue(sent.pong().isDone());
    }

    @Test
    void aPongAnswersItsPingAndEveryEarlierOneButNoLaterOne() {
        PingTracker pings = new PingTracker();
        PingTracker.Pending first = pings.register();
        PingTracker.Pending second = pings.register();
        PingTracker.Pending third = pings.register();
        assertTrue(pings.answer(second.payload().duplicate()));
        assertTrue(first.pong().isDone());
        assertTrue(second.pong().isDone());
        assertFalse(third.pong().isDone());
    }
}
