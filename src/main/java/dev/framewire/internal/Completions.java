package dev.framewire.internal;

import java.util.concurrent.CompletionException;

/** Helpers for the JDK's {@code CompletableFuture}s. */
final class Completions {

    private Completions() {
    }

    /**
     * {@return the failure itself: a dependent stage wraps the JDK's exception in
     * {@link CompletionException}s, which say nothing to a caller}
     */
    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
