package dev.framewire.internal.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.Ending;
import dev.framewire.internal.connection.ConnectionOnFake;
import dev.framewire.testing.FakeWebSocket;
import dev.framewire.testing.TestThreads;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The opt-in active wait before a reader parks ({@code Builder.readSpin}). Every spin here is
 * ten seconds or more and the class times out after 30: a spin that did not stop for an arrival,
 * the end, a timeout or an interrupt would make its test fail, not merely slow.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReadSpinTest {

    private static final ReadSpin LONG = ReadSpin.of(Duration.ofSeconds(10));

    private final ConnectionState state = new ConnectionState();
    private final ReceiveQueue queue = new ReceiveQueue(8, state, LONG);
    private final FakeWebSocket ws = new FakeWebSocket().autoComplete(true);
    private final InboundListener listener =
            new InboundListener(queue, state, new PingTracker(), true, false, ConnectionOnFake.LOG, new ReceiveCounts());

    ReadSpinTest() {
        listener.onOpen(ws);
    }

    @Test
    void zeroIsOffAndShownAsOff() throws Exception {
        assertEquals(ReadSpin.OFF, ReadSpin.of(Duration.ZERO));
        assertEquals("off", ReadSpin.OFF.toString());
        assertEquals("250 µs", ReadSpin.of(Duration.ofNanos(250_000)).toString());
        assertEquals(0, ReadSpin.OFF.await(() -> false, -1), "off never spins");
    }

    @Test
    void aSpinningReaderTakesThePartThatArrives() throws Exception {
        CompletableFuture<Inbound> taken = new CompletableFuture<>();
        CountDownLatch reading = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            reading.countDown();
            try {
                taken.complete(queue.take(-1));
            } catch (Throwable t) {
                taken.completeExceptionally(t);
            }
        });
        reader.start();
        reading.await();
        ws.deliverText(listener, "hello", true);
        Inbound item = taken.get(5, TimeUnit.SECONDS); // long before the 10 s spin would run out
        assertTrue(item.isData() && item.isLast());
        assertEquals(0, queue.held());
        assertEquals(8, queue.held() + ws.outstanding(), "the part taken was replaced by demand");
    }

    @Test
    void theEndStopsTheSpin() throws Exception {
        CompletableFuture<Inbound> taken = TestThreads.supply(() -> {
            try {
                return queue.take(-1);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        listener.finish(Ending.localAbort("ended in a test", null));
        assertTrue(taken.get(5, TimeUnit.SECONDS).isEnd());
    }

    @Test
    void aTimeoutShorterThanTheSpinStillTimesOut() throws Exception {
        assertNull(queue.take(TimeUnit.MILLISECONDS.toNanos(20)));
        long start = System.nanoTime();
        assertNull(queue.take(0), "a read that must not wait does not spin either");
        // Only a bound that catches a hang: spinning for the whole 10 s spin would pass it.
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "take(0) spun");
    }

    @Test
    void theTimeSpentSpinningCountsAgainstTheReadTimeout() throws Exception {
        // The read may wait 1 s in all, spin included: a part that comes at 2 s is for a later read.
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(2_000);
                ws.deliverText(listener, "late", true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        late.start();
        assertNull(queue.take(TimeUnit.SECONDS.toNanos(1)), "the read waited past its timeout");
        late.join();
        assertEquals("late", ((TextPart) queue.take(-1)).takeText());
    }

    @Test
    void spinningStopsAtItsOwnLimitAndThenTheReadBlocks() throws Exception {
        ReadSpin brief = ReadSpin.of(Duration.ofMillis(5));
        AtomicLong checks = new AtomicLong();
        long spent = brief.await(() -> checks.incrementAndGet() < 0, -1);
        assertTrue(spent >= TimeUnit.MILLISECONDS.toNanos(5), "spent " + spent + " ns");
        assertTrue(spent < TimeUnit.SECONDS.toNanos(5), "spent " + spent + " ns: the time measured is the time spun");
        assertTrue(checks.get() > 1, "it polled more than once");
    }

    @Test
    void anInterruptEndsTheSpinAndIsReported() throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean(true);
        Thread reader = new Thread(() -> {
            try {
                queue.take(-1);
                outcome.complete(null);
            } catch (Throwable t) {
                stillInterrupted.set(Thread.currentThread().isInterrupted());
                outcome.complete(t);
            }
        });
        reader.start();
        reader.interrupt();
        assertTrue(outcome.get(5, TimeUnit.SECONDS) instanceof InterruptedException);
        assertFalse(stillInterrupted.get(), "as BlockingQueue.take: the flag is cleared when it throws");
    }

    @Test
    void aVirtualThreadNeverSpins() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
        CompletableFuture<Long> spent = new CompletableFuture<>();
        CompletableFuture<Boolean> virtual = new CompletableFuture<>();
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        Thread thread = (Thread) start.invoke(builder, (Runnable) () -> {
            try {
                virtual.complete(ReadSpin.isVirtual(Thread.currentThread()));
                spent.complete(LONG.await(() -> false, -1));
            } catch (Throwable t) {
                spent.completeExceptionally(t);
            }
        });
        thread.join(TimeUnit.SECONDS.toMillis(5));
        assertTrue(virtual.get(5, TimeUnit.SECONDS));
        assertEquals(0L, spent.get(5, TimeUnit.SECONDS), "a virtual thread parks at once");
        assertFalse(ReadSpin.isVirtual(Thread.currentThread()));
    }
}
