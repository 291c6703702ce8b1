package dev.framewire.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The shared client's executor: inline once connections are open, a pool of daemon threads while
 * a handshake is in flight (why, and what it has to do with greetings: the class comment).
 */
class HandshakeAwareExecutorTest {

    private final HandshakeAwareExecutor executor = new HandshakeAwareExecutor();

    @Test
    void withNoHandshakeInFlightTasksRunOnTheCallersThread() {
        Thread[] ranOn = new Thread[1];
        executor.execute(() -> ranOn[0] = Thread.currentThread());
        assertSame(Thread.currentThread(), ranOn[0]);
    }

    @Test
    void duringAHandshakeTasksRunOnNamedDaemonThreadsThatDoNotKeepTheJvmAlive() throws Exception {
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        CompletableFuture<Void> handshake = new CompletableFuture<>();
        executor.duringHandshake(() -> {
            executor.execute(() -> ranOn.complete(Thread.currentThread()));
            return handshake;
        });
        Thread thread = ranOn.get(10, TimeUnit.SECONDS);
        assertTrue(thread != Thread.currentThread(), "a pool thread");
        assertTrue(thread.isDaemon(), "a daemon: an application that forgets close() can still exit");
        assertTrue(thread.getName().startsWith("framewire-http-"), thread.getName());
        handshake.complete(null);
        Thread[] after = new Thread[1];
        executor.execute(() -> after[0] = Thread.currentThread());
        assertSame(Thread.currentThread(), after[0], "inline again once the handshake completed");
    }
}
