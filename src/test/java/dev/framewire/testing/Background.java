package dev.framewire.testing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A call on a thread of its own, for tests that must see a call block (and then not). */
public final class Background {

    /** The call. */
    @FunctionalInterface
    public interface Call {
        Object run() throws Exception;
    }

    public final Thread thread;
    private final CompletableFuture<Object> outcome = new CompletableFuture<>();

    private Background(String name, Call call) {
        thread = new Thread(() -> {
            try {
                outcome.complete(call.run());
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        }, name);
        thread.setDaemon(true);
    }

    public static Background start(String name, Call call) {
        Background b = new Background(name, call);
        b.thread.start();
        return b;
    }

    /** Returns once the thread is parked (in a lock, a semaphore or a future). */
    public Background parked() {
        FakeWebSocket.spinUntilParked(thread);
        return this;
    }

    public boolean isDone() {
        return outcome.isDone();
    }

    /** {@return what the call returned}; fails the test if it threw or takes over five seconds */
    public Object result() throws Exception {
        try {
            return outcome.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(thread.getName() + " threw", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(thread.getName() + " still runs after 5 s", e);
        }
    }

    /** {@return what the call threw, as a {@code type}}; fails the test if it returned */
    public <T extends Throwable> T failure(Class<T> type) throws Exception {
        try {
            Object returned = outcome.get(5, TimeUnit.SECONDS);
            return fail(thread.getName() + " returned " + returned + " instead of throwing " + type.getSimpleName());
        } catch (ExecutionException e) {
            return assertInstanceOf(type, e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(thread.getName() + " still runs after 5 s", e);
        }
    }
}
