package dev.framewire.internal;

import dev.framewire.internal.handshake.Uris;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Argument checks at framewire's entry points, with messages that name the bad value.
 * Everything is checked before a byte is sent.
 */
public final class Checks {

    private Checks() {
    }

    /**
     * {@return {@code value}}, refusing {@code null} with a message naming the parameter.
     *
     * @throws NullPointerException if {@code value} is {@code null}
     */
    public static <T> T requireNonNull(T value, String name) {
        return Objects.requireNonNull(value, () -> name + " must not be null");
    }

    /**
     * {@return {@code value}}, refusing {@code null}, zero and negative durations.
     *
     * @throws NullPointerException     if {@code value} is {@code null}
     * @throws IllegalArgumentException if {@code value} is zero or negative
     */
    public static Duration requirePositive(Duration value, String name) {
        requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("Expected a positive duration for " + name + ": " + Durations.format(value));
        }
        return value;
    }

    /**
     * {@return {@code value}}, refusing {@code null} and negative durations: zero is a poll.
     *
     * @throws NullPointerException     if {@code value} is {@code null}
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static Duration requireNonNegative(Duration value, String name) {
        requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException("Expected a duration of zero (a poll) or more for " + name + ": "
                    + Durations.format(value));
        }
        return value;
    }

    /**
     * Refuses a false condition with an {@link IllegalArgumentException} built from a format.
     *
     * @throws IllegalArgumentException if {@code condition} is false
     */
    public static void requireArgument(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(format, args));
        }
    }

    /**
     * {@return nanoseconds of a duration}, saturating at {@link Long#MAX_VALUE} instead of
     * overflowing for very long durations.
     */
    public static long toNanosSaturated(Duration value) {
        try {
            return value.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * {@return {@code uri}}, refusing anything but an absolute {@code ws://} or {@code wss://} URI
     * with a host and without a fragment.
     *
     * @throws NullPointerException     if {@code uri} is {@code null}
     * @throws IllegalArgumentException if {@code uri} is not such a URI
     */
    public static URI requireWebSocketUri(URI uri) {
        requireNonNull(uri, "uri");
        URI shown = Uris.withoutUserInfo(uri); // never a password in a message
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        requireArgument(scheme.equals("ws") || scheme.equals("wss"), "Expected a ws:// or wss:// URI: %s", shown);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(Uris.noHost(shown)); // names the part that is not a host
        }
        requireArgument(uri.getRawFragment() == null, "Expected a URI without a fragment: %s", shown);
        return uri;
    }
}
