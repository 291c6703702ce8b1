package dev.framewire;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One {@link StringBuilder} that {@code readMessage} borrows to join a text message that came in
 * several parts, shared by every connection in the JVM.
 *
 * <p>Joining into a fresh builder allocates the message at least twice: the builder (more, as it
 * grows), then the {@code String} that {@code toString()} copies out of it. A reused builder
 * leaves only the {@code String}. One spare serves the common case, one thread joining at a time;
 * a reader that finds it taken joins another way ({@link TextParts}). A spare per connection
 * would cost idle memory on every one of thousands of sockets, so there is one per JVM. It holds
 * messages of up to {@link #MAX_JOINED_CHARS}, so it never grows past about twice that: at most
 * 512 KiB.
 */
final class SpareStringBuilder {

    /** The longest message joined in the spare, in chars. */
    static final int MAX_JOINED_CHARS = 128 * 1024;

    private static final AtomicReference<StringBuilder> SPARE = new AtomicReference<>(new StringBuilder(1024));

    private SpareStringBuilder() {
    }

    /** {@return the spare, empty, or {@code null} if another reader holds it} */
    static StringBuilder take() {
        return SPARE.getAndSet(null);
    }

    /** Empties {@code builder}, which {@link #take()} returned, and makes it the spare again. */
    static void giveBack(StringBuilder builder) {
        builder.setLength(0);
        SPARE.set(builder);
    }
}
