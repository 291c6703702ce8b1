package dev.framewire.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.framewire.ConnectionClosedException;
import dev.framewire.FrameSocket;
import dev.framewire.SendTimeoutException;

import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Sends 64 KiB messages on a connection with a {@code sendTimeout} until one times out, and checks
 * the promise: the stuck send gave up after the send timeout (not before, not much later), and the
 * connection is aborted as 1006.
 *
 * @param acceptedKiB how much the sends completed before the one that timed out
 * @param stuck       how long the send that timed out took
 */
record SendTimeoutRun(int acceptedKiB, Duration stuck) {

    private static final int CHUNK = 64 << 10;
    /** 256 MiB: far more than any TCP buffer on the way. */
    private static final int MAX_SENDS = 4096;

    /**
     * @param sendTimeout the connection's send timeout
     * @param slack       how much later than {@code sendTimeout} the send may give up
     */
    static SendTimeoutRun sendUntilTimeout(FrameSocket ws, Duration sendTimeout, Duration slack) throws Exception {
        ByteBuffer chunk = ByteBuffer.wrap(Payloads.binary(0, CHUNK));
        int accepted = 0;
        long lastStart;
        while (true) {
            if (accepted == MAX_SENDS) {
                fail("256 MiB were accepted without a send timing out");
            }
            lastStart = System.nanoTime();
            try {
                ws.sendBinary(chunk.clear());
                accepted++;
            } catch (SendTimeoutException e) {
                assertEquals(sendTimeout, e.timeout());
                break;
            }
        }
        Duration stuck = FaultResults.since(lastStart);
        assertTrue(stuck.compareTo(sendTimeout) >= 0, "gave up early: " + stuck);
        assertTrue(stuck.compareTo(sendTimeout.plus(slack)) <= 0, "gave up late: " + stuck);
        assertFalse(ws.isOpen());
        assertEquals(1006, ws.closeStatus().orElseThrow().code());
        assertThrows(ConnectionClosedException.class, () -> ws.sendText("after the timeout"));
        return new SendTimeoutRun(accepted * (CHUNK >> 10), stuck);
    }

    /** For the results table. */
    String outcome() {
        return acceptedKiB + " KiB accepted, then SendTimeoutException after " + stuck.toMillis()
                + " ms in the stuck send; aborted, 1006";
    }
}
