package dev.framewire.faults;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs blocking work on a new daemon thread of its own. Not {@code CompletableFuture.supplyAsync}
 * without an executor: on a 2-core machine JDK 25 runs that on a common pool of one worker, where a
 * task blocked in a send or a semaphore starves the task (a reader) that would unblock it; JDK 17
 * happened to start a thread per task there.
 */
final class OwnThread {

    private OwnThread() {
    }

    static <T> CompletableFuture<T> supply(String name, Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            thread.start();
        });
    }
}
