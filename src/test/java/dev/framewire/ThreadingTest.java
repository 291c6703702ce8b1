package dev.framewire;

import static dev.framewire.testing.Clients.WAIT;
import static dev.framewire.testing.Clients.waiting;
import static dev.framewire.testing.FrameAssertions.assertFrame;
import static dev.framewire.testing.FrameAssertions.assertRoundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testing.TestThreads;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/threading.md: sends from many threads, end to end through the Jetty echo server, where the
 * frames of one thread's fragmented message are never mixed with another thread's (before
 * framewire serialized sends per message, two threads that each sent a first frame, waited and
 * sent their last one got back {@code "A-part1 B-part1 B-part2"} and {@code "A-part2"} in every
 * round); many sockets at once; a blocked read that an interrupt wakes; and blocking calls on
 * virtual threads.
 */
@Timeout(60)
class ThreadingTest {

    private static final int ROUNDS = 20;

    @RegisterExtension
    static final EchoServerExtension server = new EchoServerExtension();

    private static FrameSocket connect() throws IOException {
        return waiting().connect(server.uri());
    }

    @Test
    void twoThreadsFragmentedMessagesArriveEachWhole() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(server.uri())) {
            for (int round = 0; round < ROUNDS; round++) {
                List<CompletableFuture<Void>> senders = new ArrayList<>();
                for (String me : List.of("A", "B")) {
                    senders.add(TestThreads.supply(() -> {
                        try {
                            ws.sendFrame(me + "-part1 ", false);
                            ws.sendPing(me);                      // a control frame between fragments is fine
                            Thread.sleep(30);
                            ws.sendFrame(me + "-part2", true);
                            return null;
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
                List<String> received = List.of(ws.readMessage().text(), ws.readMessage().text());
                for (CompletableFuture<Void> sender : senders) {
                    sender.get(10, TimeUnit.SECONDS);
                }
                assertEquals(List.of("A-part1 A-part2", "B-part1 B-part2"), received.stream().sorted().toList(),
                        "round " + round);
            }
        }
    }

    @Test
    @Timeout(30)
    void socketsJoiningLargeTextMessagesAtOnceEachGetTheirOwnExactly() throws Exception {
        // readMessage joins multi-part text in a builder shared across the JVM when it is free:
        // readers on several sockets at once, long messages before short ones, must never see a
        // character of another message.
        int sockets = 4;
        ExecutorService pool = Executors.newFixedThreadPool(sockets);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < sockets; s++) {
                int id = s;
                done.add(pool.submit(() -> {
                    try (FrameSocket ws = connect()) {
                        for (int round = 0; round < 20; round++) {
                            int chars = round % 2 == 0 ? 70_000 + id * 1000 + round : 40_000 - round;
                            String text = (char) ('a' + id) + "\u00e9".repeat(id) + "x".repeat(chars) + round;
                            assertRoundTrip(ws, text);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(30)
    void concurrentWholeMessageSendersAndAPingerNeverCollideAndKeepPerThreadOrder() throws Exception {
        int threads = 8;
        int perThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try (FrameSocket ws = connect()) {
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                senders.add(pool.submit(() -> {
                    for (int seq = 0; seq < perThread; seq++) {
                        ws.sendText(id + ":" + seq);
                    }
                    return null;
                }));
            }
            AtomicBoolean sendersDone = new AtomicBoolean();
            Future<Integer> pinger = pool.submit(() -> {
                int pings = 0;
                while (!sendersDone.get() || pings < 10) {
                    ws.sendPing("ping " + pings++);
                }
                return pings;
            });

            Map<Integer, Integer> nextSeq = new ConcurrentHashMap<>();
            for (int i = 0; i < threads * perThread; i++) {
                Message m = ws.readMessage(WAIT);
                assertEquals(Opcode.TEXT, m.type());
                String[] fields = m.text().split(":");
                int id = Integer.parseInt(fields[0]);
                int seq = Integer.parseInt(fields[1]);
                int expected = nextSeq.getOrDefault(id, 0);
                assertEquals(expected, seq, "order of thread " + id);
                nextSeq.put(id, seq + 1);
            }
            for (Future<?> sender : senders) {
                sender.get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // rethrows any exception, "Send pending" included
            }
            sendersDone.set(true);
            assertTrue(pinger.get(WAIT.toMillis(), TimeUnit.MILLISECONDS) >= 10);
            for (int t = 0; t < threads; t++) {
                assertEquals(perThread, nextSeq.get(t), "messages echoed for thread " + t);
            }
            assertRoundTrip(ws, "after");
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(30)
    void aWholeMessageFromAnotherThreadWaitsUntilTheUnfinishedMessageIsFinished() throws Exception {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("part1-", false);

            CompletableFuture<Throwable> other = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    ws.sendText("other thread");
                    other.complete(null);
                } catch (Throwable t) {
                    other.complete(t);
                }
            });
            thread.start();
            // The same thread may not start another message inside its own.
            IllegalStateException binary = assertThrows(IllegalStateException.class,
                    () -> ws.sendFrame(new byte[] {1}, false));
            assertTrue(binary.getMessage().contains("finish it first"), binary.getMessage());
            assertThrows(IllegalStateException.class, () -> ws.sendBinary(ByteBuffer.wrap(new byte[] {1})));
            assertFalse(other.isDone(), "the other thread waits for this thread's message");

            ws.sendFrame("part2", true);
            assertNull(other.get(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the other thread's send went out");
            assertFrame(Opcode.TEXT, false, "part1-", ws.readFrame(WAIT));
            assertFrame(Opcode.CONTINUATION, true, "part2", ws.readFrame(WAIT));
            assertFrame(Opcode.TEXT, true, "other thread", ws.readFrame(WAIT));
            // Nothing of the refused sends went out: the next echo is the next valid message.
            assertRoundTrip(ws, "after");
        }
    }

    @Test
    @Timeout(30)
    void aBlockedReadFrameWakesOnInterruptAndTheSocketStaysUsable() throws Exception {
        try (FrameSocket ws = FrameSocket.connect(server.uri())) { // no read timeout: readFrame() waits forever
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean flagSet = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try {
                    Frame unexpected = ws.readFrame();
                    thrown.set(new AssertionError("readFrame returned " + unexpected));
                } catch (Throwable t) {
                    thrown.set(t);
                }
                flagSet.set(Thread.currentThread().isInterrupted());
            }, "blocked-reader");
            reader.start();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (reader.getState() != Thread.State.WAITING && reader.isAlive()) {
                if (System.nanoTime() > deadline) {
                    fail("the reader never blocked: " + reader.getState());
                }
                Thread.onSpinWait();
            }
            reader.interrupt();
            reader.join(WAIT.toMillis());
            assertFalse(reader.isAlive(), "the reader did not wake up");

            assertInstanceOf(InterruptedIOException.class, thrown.get());
            assertTrue(flagSet.get(), "the interrupt status is kept");
            assertTrue(ws.isOpen());
            assertRoundTrip(ws, "after interrupt");
        }
    }

    // Blocking calls on virtual threads (JDK 21+; skipped on 17). The build runs tests with one
    // carrier thread for virtual threads (jdk.virtualThreadScheduler.parallelism=1), so a wait that
    // pinned its carrier would stop every other virtual thread and these tests would time out. The
    // code is compiled for Java 17, hence the reflection to reach Thread.ofVirtual().

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aReadBlockedOnAVirtualThreadDoesNotPinTheOnlyCarrier() throws Exception {
        try (FrameSocket ws = FrameSocket.connect(server.uri())) {
            CompletableFuture<String> read = new CompletableFuture<>();
            Thread reader = startVirtual(() -> {
                try {
                    read.complete(ws.readMessage().text()); // blocks until the writer's echo arrives
                } catch (Throwable t) {
                    read.completeExceptionally(t);
                }
            });
            CompletableFuture<Void> sent = new CompletableFuture<>();
            startVirtual(() -> {
                try {
                    ws.sendText("wake up");                 // can only run if the reader unmounted
                    sent.complete(null);
                } catch (Throwable t) {
                    sent.completeExceptionally(t);
                }
            });
            sent.get(10, TimeUnit.SECONDS);
            assertEquals("wake up", read.get(10, TimeUnit.SECONDS));
            reader.join(Duration.ofSeconds(10).toMillis());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aVirtualReaderWithReadSpinDoesNotHoldTheOnlyCarrier() throws Exception {
        // A spin of a minute, on the only carrier: the writer below runs only if the waiting
        // reader gives the carrier up (ReadSpinTest checks that a virtual thread never spins).
        try (FrameSocket ws = FrameSocket.newBuilder().readSpin(Duration.ofMinutes(1)).connect(server.uri())) {
            CompletableFuture<String> read = new CompletableFuture<>();
            startVirtual(() -> {
                try {
                    read.complete(ws.readMessage().text());
                } catch (Throwable t) {
                    read.completeExceptionally(t);
                }
            });
            CompletableFuture<Void> sent = new CompletableFuture<>();
            startVirtual(() -> {
                try {
                    ws.sendText("not pinned");
                    sent.complete(null);
                } catch (Throwable t) {
                    sent.completeExceptionally(t);
                }
            });
            sent.get(10, TimeUnit.SECONDS);
            assertEquals("not pinned", read.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aVirtualThreadBlockedInReadFrameWakesOnInterrupt() throws Exception {
        try (FrameSocket ws = FrameSocket.connect(server.uri())) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
            Thread reader = startVirtual(() -> {
                try {
                    ws.readFrame();
                    outcome.complete(null);
                } catch (Throwable t) {
                    stillInterrupted.complete(Thread.currentThread().isInterrupted());
                    outcome.complete(t);
                }
            });
            while (reader.getState() != Thread.State.WAITING) {
                Thread.onSpinWait(); // until it is parked in the read
            }
            reader.interrupt();
            assertTrue(outcome.get(10, TimeUnit.SECONDS) instanceof InterruptedIOException);
            assertTrue(stillInterrupted.get(10, TimeUnit.SECONDS));
            ws.sendText("still usable");
            assertEquals("still usable", ws.readMessage(Duration.ofSeconds(10)).text());
        }
    }

    private static Thread startVirtual(Runnable task) throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        return (Thread) start.invoke(builder, task);
    }
}
