package dev.framewire.testing;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Blocking test tasks on threads of their own. The common pool has a single worker on 2 cores, so
 * a task another test left blocked there would starve the next one ({@code supplyAsync} without
 * an executor made a test wait 10 s for a reader that never ran).
 */
public final class TestThreads {

    private TestThreads() {
    }

    /** {@return the result of {@code task}, run on a new daemon thread} */
    public static <T> CompletableFuture<T> supply(Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, runnable -> {
            Thread thread = new Thread(runnable, "test-task");
            thread.setDaemon(true);
            thread.start();
        });
    }
}
