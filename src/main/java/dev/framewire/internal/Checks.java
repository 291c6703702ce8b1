package dev.framewire.internal;


import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
     * {@return {@code value}}, refusing {@code null} and negative durations (zero is a read's poll).
     *
     * @throws NullPointerException     if {@code value} is {@code null}
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static Duration requireNonNegative(Duration value, String name) {
        requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException("Expected zero or a positive duration for " + name + ": "
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
     * {@return the UTF-8 bytes of a Ping's or Pong's payload}, refusing an unpaired surrogate and
     * more than 125 bytes
     *
     * @param what "Ping" or "Pong", for the message
     */
    public static ByteBuffer controlPayload(CharSequence payload, String what) {
        requireNonNull(payload, "payload");
        int unpaired = Utf8.firstUnpairedSurrogate(payload, false);
        requireArgument(unpaired == Utf8.NONE, "%s payload has an unpaired surrogate at index %d", what, unpaired);
        long length = Utf8.encodedLength(payload);
        requireArgument(length <= 125, "%s payload is %d UTF-8 bytes, at most 125 allowed", what, length);
        return ByteBuffer.wrap(payload.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@return {@code payload}}, refusing more than 125 remaining bytes for a Ping or Pong
     *
     * @param what "Ping" or "Pong", for the message
     */
    public static ByteBuffer controlPayload(ByteBuffer payload, String what) {
        requireNonNull(payload, "payload");
        requireArgument(payload.remaining() <= 125, "%s payload is %d bytes, at most 125 allowed", what, payload.remaining());
        return payload;
    }
}
