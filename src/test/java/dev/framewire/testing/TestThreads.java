package dev.framewire.testing;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Blocking test tasks on threads of their own. The common pool has a single worker on 2 cores, so
 * a task another test left blocked there would starve the next one ({@code supplyAsync} without
 * an executor made a test wait 10 s for a reader that never ran), and on JDK 25 a task blocked in
 * a send or a semaphore there starves the task (a reader) that would unblock it.
 */
public final class TestThreads {

    private TestThreads() {
    }

    /** A call that may throw, for {@link #failureOf}. */
    @FunctionalInterface
    public interface Call {
        void run() throws Exception;
    }

    /** A call running on a thread of its own, which the test may interrupt. */
    public record Running(Thread thread, CompletableFuture<Throwable> failure) {
    }

    /**
     * Starts {@code call} on a new daemon thread; its future completes with what the call threw,
     * or {@code null} if it returned.
     */
    public static Running failureOf(Call call) {
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                call.run();
                failure.complete(null);
            } catch (Throwable t) {
                failure.complete(t);
            }
        }, "test-task");
        thread.setDaemon(true);
        thread.start();
        return new Running(thread, failure);
    }

    /** {@return the result of {@code task}, run on a new daemon thread} */
    public static <T> CompletableFuture<T> supply(Supplier<T> task) {
        return supply("test-task", task);
    }

    /** {@return the result of {@code task}, run on a new daemon thread called {@code name}} */
    public static <T> CompletableFuture<T> supply(String name, Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            thread.start();
        });
    }
}
