package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.framewire.testing.EchoServerExtension;

import java.io.InterruptedIOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * Blocking calls on virtual threads (JDK 21+; skipped on 17). The build runs tests with one
 * carrier thread for virtual threads ({@code jdk.virtualThreadScheduler.parallelism=1}), so a
 * wait that pinned its carrier would stop every other virtual thread and these tests would time
 * out. The code is compiled for Java 17, hence the reflection to reach {@code Thread.ofVirtual()}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class VirtualThreadTest {

    @RegisterExtension
    static final EchoServerExtension server = new EchoServerExtension();

    @Test
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
