package dev.framewire.reliability;

import dev.framewire.ConnectionClosedException;
import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.Opcode;
import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.ServerConnection;
import dev.framewire.testkit.WireFrame;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the heap a {@code readFrame} reader needs while a server floods it: the server sends
 * {@code total} bytes in binary messages as fast as TCP lets it; the reader first reads one part
 * every 10 ms (far slower than the flood), then as fast as it can. A sampler thread calls
 * {@code System.gc()} at a fixed interval and records the heap in use after it, so the figure is
 * what the flood keeps alive, not garbage waiting to be collected.
 *
 * <p>The claim under test: framewire holds at most {@code maxQueuedParts} received parts (64 by
 * default, each at most the JDK's read buffer of about 16 KiB), and stops reading the socket
 * beyond that, so the heap stays flat however large the flood. The server runs in the same JVM;
 * its one reused frame buffer (64 KiB) is in the figure too. Results go to docs/limits.md.
 *
 * <pre>
 * mvn -q -o test-compile exec:exec -Dexec.executable=java \
 *     -Dexec.args="-Xmx64m -cp %classpath dev.framewire.reliability.FloodHeapMeasurement"
 * </pre>
 *
 * Arguments, all optional: total MiB (1024), message KiB (64), slow phase in ms (3000),
 * maxQueuedParts (64).
 */
public final class FloodHeapMeasurement {

    private static final Duration READ_BOUND = Duration.ofSeconds(60);
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(250);
    private static final Duration SLOW_READ_PAUSE = Duration.ofMillis(10);

    private FloodHeapMeasurement() {
    }

    /**
     * What one flood showed.
     *
     * @param bytes          payload bytes received
     * @param parts          parts {@code readFrame} returned
     * @param largestPart    the largest part, in bytes
     * @param elapsed        from the client's first message to the last part read
     * @param baselineHeap   heap in use after GC, connected but before the flood
     * @param slowPeakHeap   the most heap in use after a GC while the reader was slow: the
     *                       queue is full then, and little is allocated, so this is what the
     *                       flood keeps alive
     * @param fastPeakHeap   the same while the reader read flat out; parts allocated between the
     *                       GC and the reading of the figure count too, so this is an upper bound
     * @param samples        how many samples were taken
     */
    record Result(long bytes, long parts, int largestPart, Duration elapsed,
                  long baselineHeap, long slowPeakHeap, long fastPeakHeap, int samples) {

        long slowPeakAboveBaseline() {
            return slowPeakHeap - baselineHeap;
        }

        long peakAboveBaseline() {
            return Math.max(slowPeakHeap, fastPeakHeap) - baselineHeap;
        }

        @Override
        public String toString() {
            double seconds = elapsed.toNanos() / 1e9;
            return String.format("received %d MiB in %d parts (largest %d bytes) in %.1f s (%.0f MiB/s)%n"
                            + "heap in use after System.gc(), %d samples every %d ms: baseline %.1f MiB;%n"
                            + "  slow reader (queue full): peak %.1f MiB, %.1f MiB above baseline%n"
                            + "  fast reader (upper bound): peak %.1f MiB, %.1f MiB above baseline",
                    bytes >> 20, parts, largestPart, seconds, (bytes >> 20) / seconds,
                    samples, SAMPLE_EVERY.toMillis(), mib(baselineHeap),
                    mib(slowPeakHeap), mib(slowPeakAboveBaseline()),
                    mib(fastPeakHeap), mib(fastPeakHeap - baselineHeap));
        }
    }

    public static void main(String[] args) throws Exception {
        long totalMib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int messageKib = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        Duration slowPhase = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 3000);
        int capacity = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        System.out.printf("flood: %d MiB in binary messages of %d KiB, maxQueuedParts %d, slow phase %d ms;"
                        + " JDK %s, max heap %d MiB%n",
                totalMib, messageKib, capacity, slowPhase.toMillis(), Runtime.version(),
                Runtime.getRuntime().maxMemory() >> 20);
        Result result = measure(totalMib << 20, messageKib << 10, slowPhase, capacity);
        System.out.println(result);
    }

    /**
     * Runs one flood.
     *
     * @param total       bytes the server sends, a multiple of {@code messageSize}
     * @param messageSize bytes per binary message
     * @param slowPhase   how long the reader reads one part per 10 ms before reading flat out
     * @param capacity    the client's maxQueuedParts
     */
    static Result measure(long total, int messageSize, Duration slowPhase, int capacity) throws Exception {
        long messages = total / messageSize;
        try (ScriptedServer server = ScriptedServer.start(c -> flood(c, messages, messageSize))) {
            try (FrameSocket ws = FrameSocket.newBuilder().maxQueuedParts(capacity).connect(server.uri())) {
                long baseline = heapAfterGc();
                AtomicLong slowPeak = new AtomicLong(baseline);
                AtomicLong fastPeak = new AtomicLong(baseline);
                AtomicLong samples = new AtomicLong();
                long start = System.nanoTime();
                long slowUntil = start + slowPhase.toNanos();
                Thread sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        boolean slow = System.nanoTime() < slowUntil;
                        long used = heapAfterGc();
                        (slow ? slowPeak : fastPeak).accumulateAndGet(used, Math::max);
                        samples.incrementAndGet();
                        LockSupport.parkNanos(SAMPLE_EVERY.toNanos());
                    }
                }, "heap-sampler");
                sampler.setDaemon(true);

                ws.sendText("go"); // the client speaks first: no large frame rides with the 101
                sampler.start();
                long bytes = 0;
                long parts = 0;
                int largest = 0;
                ByteBuffer number = ByteBuffer.allocate(Long.BYTES);
                try {
                    for (long i = 0; i < messages; i++) {
                        long inMessage = 0;
                        Frame part;
                        do {
                            if (System.nanoTime() < slowUntil) {
                                LockSupport.parkNanos(SLOW_READ_PAUSE.toNanos()); // the slow reader, on purpose
                            }
                            part = ws.readFrame(READ_BOUND);
                            byte[] data = part.bytes();
                            check(part.opcode() == (inMessage == 0 ? Opcode.BINARY : Opcode.CONTINUATION),
                                    "message " + i + ": " + part);
                            // A part may end anywhere, even inside the 8-byte message number.
                            for (int k = 0; k < data.length && inMessage + k < number.capacity(); k++) {
                                number.put((int) inMessage + k, data[k]);
                            }
                            inMessage += data.length;
                            largest = Math.max(largest, data.length);
                            parts++;
                        } while (!part.isFinal());
                        check(inMessage == messageSize, "message " + i + " has " + inMessage + " bytes");
                        check(number.getLong(0) == i, "message " + i + " arrived as number " + number.getLong(0));
                        bytes += inMessage;
                    }
                } finally {
                    sampler.interrupt();
                    sampler.join(TimeUnit.SECONDS.toMillis(10));
                }
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                ws.sendClose(1000, "");
                check(ws.readFrame(READ_BOUND).opcode() == Opcode.CLOSE, "the server answers the Close");
                server.awaitScripts(Duration.ofSeconds(10));
                return new Result(bytes, parts, largest, elapsed, baseline, slowPeak.get(), fastPeak.get(),
                        (int) samples.get());
            } catch (ConnectionClosedException e) {
                server.assertNoScriptFailure();
                throw e;
            }
        }
    }

    /** The server's side: one frame buffer, reused, with the message number in the first 8 bytes. */
    private static void flood(ServerConnection c, long messages, int messageSize) throws IOException {
        c.readFrame(); // the client's "go"
        byte[] payload = new byte[messageSize];
        for (int k = 0; k < payload.length; k++) {
            payload[k] = (byte) k;
        }
        byte[] frame = WireFrame.of(WireFrame.BINARY, payload).encode();
        int payloadAt = frame.length - messageSize;
        ByteBuffer numbered = ByteBuffer.wrap(frame);
        for (long i = 0; i < messages; i++) {
            numbered.putLong(payloadAt, i);
            c.sendRaw(frame); // blocks while the client's window is full: the flood is TCP-paced
        }
        ClientFrame close = c.readUntil(WireFrame.CLOSE, READ_BOUND);
        c.sendClose(close.closeCode(), "");
    }

    /** (java.management is not readable from the test code, which is patched into the module.) */
    private static long heapAfterGc() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    private static double mib(long bytes) {
        return bytes / (double) (1 << 20);
    }
}
