package dev.framewire.faults;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.ConnectionClosedException;
import dev.framewire.FrameSocket;
import dev.framewire.testing.TestThreads;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A slow link: about 300 kbit/s each way (a token bucket on both veth ends), switched on after the
 * connection is up. The server ({@code /sink}) reads everything; only the link is slow. framewire
 * must make the sender wait for the network instead of buffering what it cannot send yet.
 */
@Tag("faults")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SlowLinkTest {

    private static final int KBIT = 300;
    private static final int MIB = 1 << 20;
    /** Sent 64 KiB at a time, so the count shows how much TCP took before the sender had to wait. */
    private static final int CHUNK = 64 << 10;
    /** 64 MiB in all: far more than TCP's buffers hold. */
    private static final int SENDS = 1024;

    private static FaultLab lab;
    private static SlowLink link;

    @BeforeAll
    static void startServers() throws Exception {
        lab = FaultLab.start();
        link = new SlowLink(lab.namespace());
    }

    @AfterEach
    void fullSpeed() {
        if (link != null) {
            link.restore();
        }
    }

    @AfterAll
    static void stopServers() {
        if (lab != null) {
            lab.close();
        }
    }

    private static long usedHeapAfterGc() {
        // Tests compile inside the module, which does not read java.management: Runtime it is.
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Test
    void sendsBlockInsteadOfBufferingAndTheHeapStaysFlat() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().closeTimeout(Duration.ofMillis(200))
                .connect(lab.server().scriptedUri("/sink"))) {
            link.limit(KBIT);
            ByteBuffer chunk = ByteBuffer.wrap(Payloads.binary(0, CHUNK));
            long heapBefore = usedHeapAfterGc();
            AtomicInteger completed = new AtomicInteger();
            CompletableFuture<IOException> sender = TestThreads.supply("slow-sender", () -> {
                for (int i = 0; i < SENDS; i++) {
                    try {
                        ws.sendBinary(chunk.duplicate());
                        completed.incrementAndGet();
                    } catch (IOException e) {
                        return e;
                    }
                }
                return null;
            });
            Thread.sleep(6000);
            long heapGrowth = usedHeapAfterGc() - heapBefore;
            int done = completed.get();
            assertFalse(sender.isDone(), "all 64 MiB were accepted in 6 s at " + KBIT + " kbit/s: buffered");
            // The kernel's send buffer (4 MiB at most here) and the bytes on the way are all TCP
            // takes; 6 s at 300 kbit/s move about 220 KiB more.
            assertTrue(done * CHUNK <= 8 * MIB, done * 64 + " KiB accepted in 6 s at " + KBIT + " kbit/s");
            assertTrue(heapGrowth < 16L * MIB, "heap grew by " + heapGrowth / MIB + " MiB while the sender was blocked");

            ws.abort(); // wakes the blocked send
            IOException ended = sender.get(10, TimeUnit.SECONDS);
            assertTrue(ended instanceof ConnectionClosedException, "the blocked send ended with " + ended);
            FaultResults.record("slow link " + KBIT + " kbit/s each way", "no sendTimeout; 64 MiB in 64 KiB sends",
                    "after 6 s " + done * 64 + " KiB accepted, the next send blocked, heap +" + Math.max(0, heapGrowth) / 1024
                            + " KiB; abort() woke it with ConnectionClosedException", null);
        }
    }

    @Test
    void aSendTimeoutFiresOnTheSlowLink() throws Exception {
        Duration sendTimeout = Duration.ofSeconds(2);
        try (FrameSocket ws = FrameSocket.newBuilder().sendTimeout(sendTimeout).closeTimeout(Duration.ofMillis(200))
                .connect(lab.server().scriptedUri("/sink"))) {
            link.limit(KBIT);
            long start = System.nanoTime();
            SendTimeoutRun run = SendTimeoutRun.sendUntilTimeout(ws, sendTimeout, Duration.ofSeconds(1));
            FaultResults.record("slow link " + KBIT + " kbit/s each way", "sendTimeout(2 s); 64 KiB sends", run.outcome(),
                    FaultResults.since(start));
        }
    }
}
