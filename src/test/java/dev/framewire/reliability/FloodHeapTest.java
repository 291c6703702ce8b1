package dev.framewire.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The 1 GiB flood of {@link FloodHeapMeasurement} as a check: while the reader is slow, the heap
 * the flood keeps alive stays near {@code maxQueuedParts} × 16 KiB (1 MiB by default). Tagged
 * {@code soak} (about 10 s); the figure is printed and recorded in docs/limits.md.
 */
@Tag("soak")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FloodHeapTest {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    @Test
    void aGibibyteFloodAtASlowReaderKeepsAboutOneMebibyteAlive() throws Exception {
        FloodHeapMeasurement.Result result = FloodHeapMeasurement.measure(GIB, 64 * 1024, Duration.ofSeconds(3), 64);
        System.out.println(result);
        assertEquals(GIB, result.bytes());
        assertTrue(result.largestPart() <= 16 * 1024, "largest part " + result.largestPart());
        // 64 parts of at most 16 KiB are 1 MiB; the rest is slack for the JDK's own
        // bookkeeping and the in-process server, far below what an unbounded queue would hold.
        assertTrue(result.slowPeakAboveBaseline() < 4 * MIB, result.toString());
        assertTrue(result.peakAboveBaseline() < 32 * MIB, result.toString());
    }
}
