package dev.framewire.internal.reconnect;

import dev.framewire.CloseStatus;
import dev.framewire.HandshakeException;
import dev.framewire.WebSocketException;
import dev.framewire.internal.Completions;
import dev.framewire.internal.Durations;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * What the retry loop tells the log ({@code System.Logger} {@code dev.framewire}, like
 * {@code ConnectionLog}), one line per event, each starting with {@code Reconnector} and the URI:
 * INFO for each failed attempt with its cause in one line and the wait before the next
 * ({@code attempt 3 refused (nothing listens on 127.0.0.1:8095); next in 1.7 s}), for the wait
 * owed after a connection dropped, and for a connect that succeeded after a failure; WARNING when
 * {@code connect()} gives up. The stack trace of a failure only at TRACE ({@code FINER} in
 * java.util.logging), in a line of its own.
 *
 * <p>Also makes the exception thrown when the attempts run out, whose message says the same.
 */
final class RetryLog {

    private static final Logger LOGGER = System.getLogger("dev.framewire");

    private final String label;
    private final Object target;

    /** Creates the log of the loop that connects to {@code target}, the URI. */
    RetryLog(Object target) {
        this.target = target;
        this.label = "Reconnector " + target + ": ";
    }

    /**
     * The first attempt waits {@code waitNanos}: the connection returned last ended as {@code end},
     * or (empty) the last {@code connect()} gave up with the server still away.
     */
    void owedWait(Optional<CloseStatus> end, long waitNanos) {
        info(end.map(s -> "the connection returned last ended with " + s.code() + (s.reason().isEmpty() ? "" : " " + s.reason()))
                .orElse("the last connect() gave up") + "; first attempt in " + roughly(waitNanos));
    }

    /** Attempt {@code number} failed transiently; the next one follows in {@code waitNanos}. */
    void retrying(int number, IOException failure, long waitNanos) {
        info("attempt " + number + " " + briefly(failure) + "; next in " + roughly(waitNanos));
        trace(number, failure);
    }

    /** Attempt {@code number} failed, and {@code connect()} gives up. */
    void givingUp(int number, IOException failure, boolean isTransient, long overNanos) {
        if (LOGGER.isLoggable(Level.WARNING)) {
            LOGGER.log(Level.WARNING, label + "attempt " + number + " " + briefly(failure) + "; "
                    + (isTransient ? "giving up after " + attempts(number) + " over " + roughly(overNanos)
                    : "not retried: this failure is not transient"));
        }
        trace(number, failure);
    }

    /** Attempt {@code number} connected, {@code overNanos} after the first began. */
    void connected(int number, long overNanos) {
        info("connected at attempt " + number + ", " + roughly(overNanos) + " after the first");
    }

    /** The attempt callback threw: it is the caller's bug, and must not stop the reconnecting. */
    void callbackFailed(RuntimeException e) {
        LOGGER.log(Level.WARNING, label + "the onAttempt callback threw; ignored", e);
    }

    /**
     * {@return the exception {@code connect()} throws when the attempts ran out}: of the last
     * failure's type as far as callers tell types apart ({@link HandshakeException} with its status
     * and headers, else {@link WebSocketException}), with it as the cause, and a message that says
     * how many attempts were made over how long
     */
    IOException ranOut(IOException last, int number, long overNanos) {
        String message = "Gave up connecting to " + target + " after " + attempts(number) + " over " + roughly(overNanos)
                + "; the last attempt: " + oneLine(last);
        return last instanceof HandshakeException refused
                ? new HandshakeException(refused.statusCode(), refused.headers(), message, last)
                : new WebSocketException(message, last);
    }

    private void info(String line) {
        if (LOGGER.isLoggable(Level.INFO)) {
            LOGGER.log(Level.INFO, label + line);
        }
    }

    private void trace(int number, IOException failure) {
        if (LOGGER.isLoggable(Level.TRACE)) {
            LOGGER.log(Level.TRACE, label + "attempt " + number + " failed with", failure);
        }
    }

    /**
     * {@return why an attempt failed, in a few words}: {@code refused with HTTP 503 (Retry-After:
     * 3)}, {@code refused (nothing listens on 127.0.0.1:8095)}, else {@code failed (message)}
     */
    String briefly(IOException failure) {
        if (failure instanceof HandshakeException refused) {
            return "refused with HTTP " + refused.statusCode()
                    + refused.headers().firstValue("Retry-After").map(v -> " (Retry-After: " + v + ")").orElse("");
        }
        String message = oneLine(failure);
        // Through a proxy, framewire's message names the proxy: keep it whole.
        if (Completions.find(ConnectException.class, failure) != null && target instanceof URI uri
                && !message.startsWith("The proxy")) {
            int port = uri.getPort() != -1 ? uri.getPort() : "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            return "refused (nothing listens on " + uri.getHost() + ":" + port + ")";
        }
        return "failed (" + message + ")";
    }

    private static String oneLine(IOException failure) {
        String message = failure.getMessage() != null ? failure.getMessage() : failure.toString();
        return message.replaceAll("\\s*\\R\\s*", " ");
    }

    private static String attempts(int number) {
        return number + (number == 1 ? " attempt" : " attempts");
    }

    /** A wait to the millisecond, which is as exact as a person reading the log needs it. */
    private static String roughly(long nanos) {
        return nanos < 1_000_000 ? "0 ms" : Durations.format(Duration.ofMillis(nanos / 1_000_000));
    }
}
