package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.WireFrame;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server floods a reader that does not read: the receive queue fills to its capacity and no
 * further (the rest waits in TCP), and when the reader catches up every part arrives in order.
 * The heap this bounds over a 1 GiB flood is measured by
 * {@code dev.framewire.reliability.FloodHeapMeasurement} (docs/limits.md).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FloodBoundTest {

    private static final int MESSAGES = 64;
    private static final int MESSAGE_SIZE = 64 * 1024; // 4 MiB in all: about 256 parts of 16 KiB
    private static final Duration WAIT = Duration.ofSeconds(10);

    @ParameterizedTest(name = "maxQueuedParts({0})")
    @ValueSource(ints = {64, 1})
    void aFloodFillsTheQueueToItsCapacityAndNoFurtherAndEveryPartArrivesInOrder(int capacity) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readFrame(); // the client speaks first, so no large frame rides with the 101
            for (int i = 0; i < MESSAGES; i++) {
                c.sendBinary(message(i));
            }
            ClientFrame close = c.readUntil(WireFrame.CLOSE, WAIT);
            c.sendClose(close.closeCode(), "");
        }); FrameSocket ws = FrameSocket.newBuilder().maxQueuedParts(capacity).connect(server.uri())) {
            ws.sendText("go");
            // Not reading yet: wait until the queue has filled up, which it must since 4 MiB is
            // far more than its capacity.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (ws.maxQueuedPartsSeen() < capacity) {
                if (System.nanoTime() > deadline) {
                    fail("the queue never filled: " + ws.maxQueuedPartsSeen() + " of " + capacity);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }

            int parts = 0;
            for (int i = 0; i < MESSAGES; i++) {
                ByteBuffer expected = ByteBuffer.wrap(message(i));
                boolean first = true;
                Frame part;
                do {
                    part = ws.readFrame(WAIT);
                    parts++;
                    assertEquals(first ? Opcode.BINARY : Opcode.CONTINUATION, part.opcode(), "message " + i);
                    byte[] bytes = part.bytes();
                    assertTrue(bytes.length <= expected.remaining(), "message " + i + " grew");
                    assertEquals(ByteBuffer.wrap(bytes), expected.slice().limit(bytes.length), "message " + i);
                    expected.position(expected.position() + bytes.length);
                    first = false;
                } while (!part.isFinal());
                assertEquals(0, expected.remaining(), "message " + i + " is short");
            }
            assertTrue(parts > capacity, "the flood was larger than the queue: " + parts + " parts");
            assertTrue(ws.maxQueuedPartsSeen() <= capacity,
                    "held at once: " + ws.maxQueuedPartsSeen() + ", capacity " + capacity);
            assertEquals(capacity, ws.maxQueuedPartsSeen());

            ws.sendClose(1000, "");
            assertEquals(Opcode.CLOSE, ws.readFrame(WAIT).opcode());
            server.awaitScripts(WAIT);
        }
    }

    /** Message {@code i}: its number, then bytes that depend on it and on their offset. */
    private static byte[] message(int i) {
        byte[] bytes = new byte[MESSAGE_SIZE];
        ByteBuffer.wrap(bytes).putInt(i);
        for (int k = 4; k < bytes.length; k++) {
            bytes[k] = (byte) (i * 31 + k);
        }
        return bytes;
    }
}
