package dev.framewire.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.framewire.CloseStatus;
import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.Message;
import dev.framewire.Opcode;
import dev.framewire.testing.JettyEchoServer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many connections, many round trips, one shared {@code HttpClient} (framewire's default): 200
 * connections of 1,000 round trips each, 50 at a time, against the Jetty echo server, mixing
 * whole text and binary messages, fragmented messages with a Ping between the fragments, text
 * large enough for the JDK to cut into several frames, and {@code ping(Duration)}. Every echo is
 * checked byte for byte and in order; every socket closes with the echo server's 1000; and once
 * all are closed the client side has no more threads than after the warm-up connection.
 *
 * <p>Tagged {@code soak}: the default build leaves it out. Run it with
 * {@code mvn -o test -Dtest=SoakTest -Dsurefire.excludedGroups=}; the size can be changed with
 * {@code -Dframewire.soakConnections=} and {@code -Dframewire.soakRoundTrips=}.
 */
@Tag("soak")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SoakTest {

    private static final int CONNECTIONS = Integer.getInteger("framewire.soakConnections", 200);
    private static final int ROUND_TRIPS = Integer.getInteger("framewire.soakRoundTrips", 1000);
    private static final int THREADS = Integer.getInteger("framewire.soakThreads", 50);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration RUN_BOUND = Duration.ofMinutes(8);
    private static final Duration THREADS_SETTLE = Duration.ofSeconds(30);
    /** The echo server runs in this JVM; its threads are not the client's. */
    private static final String SERVER_THREADS = "jetty-echo-";

    @Test
    void manyConnectionsOnOneSharedClientLoseNothingReorderNothingAndLeaveNoThreadsBehind() throws Exception {
        try (JettyEchoServer server = JettyEchoServer.start()) {
            // The warm-up starts what is shared for good: the HttpClient and its selector thread,
            // and the keepalive scheduler thread. A second selector thread afterwards would mean
            // an HttpClient per socket, a leak this test must catch.
            runConnection(server, -1, 50);
            Set<Thread> baseline = clientThreads();

            AtomicInteger roundTrips = new AtomicInteger();
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS, numbered("soak-"));
            try {
                List<Future<Integer>> connections = new ArrayList<>();
                for (int c = 0; c < CONNECTIONS; c++) {
                    int id = c;
                    connections.add(pool.submit(() -> {
                        int done = runConnection(server, id, ROUND_TRIPS);
                        roundTrips.addAndGet(done);
                        return done;
                    }));
                }
                long deadline = start + RUN_BOUND.toNanos();
                for (int c = 0; c < CONNECTIONS; c++) {
                    try {
                        assertEquals(ROUND_TRIPS, connections.get(c).get(
                                Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                    } catch (ExecutionException e) {
                        throw new AssertionError("connection " + c + " failed: " + e.getCause(), e.getCause());
                    } catch (TimeoutException e) {
                        fail("the soak did not finish within " + RUN_BOUND + ": " + roundTrips.get() + " round trips done");
                    }
                }
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the soak threads did not end");
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(CONNECTIONS * ROUND_TRIPS, roundTrips.get());
            System.out.printf("soak: %d connections x %d round trips on %d threads (%d cores) in %.1f s, %.0f round trips/s%n",
                    CONNECTIONS, ROUND_TRIPS, THREADS, Runtime.getRuntime().availableProcessors(),
                    took.toNanos() / 1e9, roundTrips.get() / (took.toNanos() / 1e9));

            assertClientThreadsBackTo(baseline);
        }
    }

    /**
     * One connection: {@code roundTrips} round trips of mixed kinds, checked as they come back,
     * then a normal close.
     *
     * @return the round trips completed
     */
    private static int runConnection(JettyEchoServer server, int id, int roundTrips) throws IOException {
        Random random = new Random(id);
        FrameSocket.Builder builder = FrameSocket.newBuilder().readTimeout(WAIT).sendTimeout(WAIT);
        if (id % 10 == 9 || id < 0) {
            builder.keepAlive(Duration.ofMillis(100), WAIT); // now and then, with the keepalive on too
        }
        try (FrameSocket ws = builder.connect(server.uri())) {
            for (int i = 0; i < roundTrips; i++) {
                String tag = "c" + id + " #" + i + " ";
                switch (i % 5) {
                    case 0 -> {
                        String text = tag + "x".repeat(random.nextInt(200));
                        ws.sendText(text);
                        Message echo = ws.readMessage();
                        assertEquals(Opcode.TEXT, echo.type());
                        assertEquals(text, echo.text());
                    }
                    case 1 -> {
                        byte[] bytes = new byte[8 + random.nextInt(4096)];
                        random.nextBytes(bytes);
                        ByteBuffer.wrap(bytes).putInt(id).putInt(i);
                        ws.sendBinary(ByteBuffer.wrap(bytes));
                        Message echo = ws.readMessage();
                        assertEquals(Opcode.BINARY, echo.type());
                        assertArrayEquals(bytes, echo.bytes(), tag);
                    }
                    case 2 -> fragmentedTextWithAPingBetween(ws, tag);
                    case 3 -> assertNotNull(ws.ping(WAIT));
                    default -> {
                        if (i % 100 == 4) {
                            // More than the JDK's 16 KiB buffer: it goes out as several frames.
                            String large = tag + "\u00e9".repeat(12_000);
                            ws.sendText(large);
                            assertEquals(large, ws.readMessage().text());
                        } else {
                            byte[] first = (tag + "first").getBytes(StandardCharsets.UTF_8);
                            byte[] second = new byte[random.nextInt(1000)];
                            random.nextBytes(second);
                            ws.sendFrame(first, false);
                            ws.sendFrame(second, true);
                            ByteBuffer expected = ByteBuffer.allocate(first.length + second.length).put(first).put(second);
                            assertArrayEquals(expected.array(), ws.readMessage().bytes(), tag);
                        }
                    }
                }
            }
            ws.sendClose(1000, "soaked");
            Frame close = ws.readFrame();
            assertEquals(Opcode.CLOSE, close.opcode());
            assertEquals(Optional.of(new CloseStatus(1000, "soaked")), ws.closeStatus());
        }
        return roundTrips;
    }

    /** Three text frames with a Ping after the first, read back frame by frame. */
    private static void fragmentedTextWithAPingBetween(FrameSocket ws, String tag) throws IOException {
        String[] fragments = {tag + "one,", "two,", "three"};
        ws.sendFrame(fragments[0], false);
        ws.sendPing(tag);
        ws.sendFrame(fragments[1], false);
        ws.sendFrame(fragments[2], true);
        // The Pong is consumed; each echoed frame arrives as one part or more, never merged.
        StringBuilder text = new StringBuilder();
        int parts = 0;
        Frame part;
        do {
            part = ws.readFrame();
            assertEquals(parts == 0 ? Opcode.TEXT : Opcode.CONTINUATION, part.opcode(), tag + "part " + parts);
            text.append(part.text());
            parts++;
        } while (!part.isFinal());
        assertEquals(String.join("", fragments), text.toString());
        assertTrue(parts >= fragments.length, tag + "frames were merged: " + parts + " parts");
    }

    /** Live threads of this JVM that are not the echo server's. */
    private static Set<Thread> clientThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> !t.getName().startsWith(SERVER_THREADS))
                .collect(Collectors.toSet());
    }

    /** Threads end a moment after the work that used them: wait a bounded time for them to go. */
    private static void assertClientThreadsBackTo(Set<Thread> baseline) {
        long deadline = System.nanoTime() + THREADS_SETTLE.toNanos();
        while (true) {
            Set<Thread> extra = clientThreads();
            extra.removeAll(baseline);
            // The JVM's common pool is not ours: bounded by its parallelism, its workers idle out
            // after 60 s. (On JDK 25 the warm-up already starts one.)
            extra.removeIf(t -> t.getName().startsWith("ForkJoinPool.commonPool-worker-"));
            if (extra.isEmpty()) {
                System.out.println("client threads after the soak: back to the baseline of " + baseline.size()
                        + " " + names(baseline));
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("threads left after every socket closed, beyond the baseline " + names(baseline) + ": "
                        + names(extra));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static Map<String, Long> names(Set<Thread> threads) {
        // Numbered names (pool-1-thread-7) grouped, so the message stays short.
        return threads.stream().collect(Collectors.groupingBy(
                t -> t.getName().replaceAll("\\d+", "#"), TreeMap::new, Collectors.counting()));
    }

    private static ThreadFactory numbered(String prefix) {
        AtomicInteger next = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
