package dev.framewire;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One {@link StringBuilder} that {@code readMessage} borrows to join a text message that came in
 * several parts, shared by every connection in the JVM.
 *
 * <p>Joining into a fresh builder allocates the message twice: the builder, then the
 * {@code String} that {@code toString()} copies out of it. A reused builder leaves only the
 * {@code String}. One spare serves the common case, one thread joining at a time; a reader that
 * finds it taken makes its own, which costs what joining always cost. A spare per connection
 * would cost idle memory on every one of thousands of sockets, so there is one per JVM, and a
 * builder that grew past {@link #MAX_KEPT_CHARS} is left to the garbage collector: the spare
 * never holds more than 512 KiB.
 */
final class SpareStringBuilder {

    /** The largest builder kept for reuse, in chars (two bytes each once a non-Latin-1 char was held). */
    static final int MAX_KEPT_CHARS = 256 * 1024;

    private static final AtomicReference<StringBuilder> SPARE = new AtomicReference<>();

    private SpareStringBuilder() {
    }

    /** {@return the spare, empty, or a new builder if another thread holds it} */
    static StringBuilder take(int expectedChars) {
        StringBuilder spare = SPARE.getAndSet(null);
        return spare != null ? spare : new StringBuilder(Math.max(16, expectedChars));
    }

    /** Empties {@code builder} and keeps it as the spare unless it grew too large. */
    static void giveBack(StringBuilder builder) {
        if (builder.capacity() <= MAX_KEPT_CHARS) {
            builder.setLength(0);
            SPARE.set(builder);
        }
    }
}
