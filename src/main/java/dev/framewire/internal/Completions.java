package dev.framewire.internal;

import java.util.concurrent.CompletionException;

/** Helpers for the JDK's {@code CompletableFuture}s. */
public final class Completions {

    private Completions() {
    }

    /**
     * {@return the failure itself: a dependent stage wraps the JDK's exception in
     * {@link CompletionException}s, which say nothing to a caller}
     */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** {@return the first of {@code failure} and its causes that is a {@code type}, or {@code null}} */
    public static <T extends Throwable> T find(Class<T> type, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
