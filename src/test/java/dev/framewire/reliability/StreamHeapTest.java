package dev.framewire.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.FrameSocket;
import dev.framewire.MessageStream;
import dev.framewire.Opcode;
import dev.framewire.testing.JettyEchoServer;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One message of 1 GiB out through {@code sendStream()} and back through
 * {@code readMessageStream()}, against the Jetty echo server in the same JVM, while a sampler
 * records the heap in use after {@code System.gc()}. CI runs it with {@code -Xmx64m} (tag
 * {@code heap64m}, see .ci/run): a stream that held its message would die of it. The figure
 * asserted is generous; the one printed goes to docs/limits.md.
 */
@Tag("heap64m")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class StreamHeapTest {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aGibibyteEachWayThroughStreamsInSmallHeap() throws Exception {
        try (JettyEchoServer server = JettyEchoServer.start();
             FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(server.uri())) {
            long baseline = heapAfterGc();
            AtomicLong peak = new AtomicLong(baseline);
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(heapAfterGc(), Math::max);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
                }
            }, "heap-sampler");
            sampler.setDaemon(true);

            byte[] chunk = new byte[100_000];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) (i * 31 + 7);
            }
            CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> {
                try (OutputStream out = ws.sendStream()) {
                    MessageDigest digest = MessageDigest.getInstance("SHA-256");
                    for (long at = 0; at < GIB; at += chunk.length) {
                        int n = (int) Math.min(chunk.length, GIB - at);
                        out.write(chunk, 0, n);
                        digest.update(chunk, 0, n);
                    }
                    return digest.digest();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            sampler.start();
            long received = 0;
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (MessageStream in = ws.readMessageStream()) {
                assertEquals(Opcode.BINARY, in.type());
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) != -1; ) {
                    digest.update(buffer, 0, n);
                    received += n;
                }
            } finally {
                sampler.interrupt();
                sampler.join(TimeUnit.SECONDS.toMillis(10));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(GIB, received);
            assertArrayEquals(sent.get(1, TimeUnit.MINUTES), digest.digest(), "the echo is byte-exact");
            long above = peak.get() - baseline;
            System.out.printf("1 GiB each way through streams in %.1f s (%.0f MiB/s); max heap %d MiB;"
                            + " heap in use after GC: baseline %.1f MiB, peak %.1f MiB above it%n",
                    seconds, 1024 / seconds, Runtime.getRuntime().maxMemory() / MIB,
                    baseline / (double) MIB, above / (double) MIB);
            assertTrue(above < 24 * MIB, "peak heap above baseline: " + above / MIB + " MiB");
        }
    }

    /** (java.management is not readable from the test code, which is patched into the module.) */
    private static long heapAfterGc() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

}
