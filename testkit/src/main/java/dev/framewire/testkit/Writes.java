package dev.framewire.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How the bytes of each send meet TCP: in one write (the default), in writes of a given size (one
 * byte per write, say), or cut at given offsets, with an optional pause before every write but the
 * first of a send. Immutable.
 *
 * <p>The server's sockets have {@code TCP_NODELAY}, so each write leaves as a segment of its own
 * right away; whether the client's reads see the pieces apart depends on its timing, which a pause
 * makes near certain. To put several frames in one write, send them in one call:
 * {@link ServerConnection#send(WireFrame...)}; to put frames in the same write as the 101 response,
 * see {@link Handshake#greeting(WireFrame...)}.
 *
 * <pre>{@code
 * connection.writes(Writes.oneBytePerWrite().pausing(Duration.ofMillis(5)));  // a slow trickle
 * connection.writes(Writes.splitAt(1, 2));   // header byte, length byte, then the rest
 * }</pre>
 */
public final class Writes {

    private static final Writes WHOLE = new Writes(0, new int[0], Duration.ZERO);

    private final int size; // 0: the whole send in one write (unless cut)
    private final int[] cuts;
    private final Duration pause;

    private Writes(int size, int[] cuts, Duration pause) {
        this.size = size;
        this.cuts = cuts;
        this.pause = pause;
    }

    /** {@return each send in a single write: the default} */
    public static Writes whole() {
        return WHOLE;
    }

    /** {@return each send cut into writes of one byte} */
    public static Writes oneBytePerWrite() {
        return ofSize(1);
    }

    /**
     * {@return each send cut into writes of {@code size} bytes, the last one shorter}
     *
     * @throws IllegalArgumentException if {@code size} is not positive
     * @param size the bytes per write
     */
    public static Writes ofSize(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("a write holds at least one byte, not " + size);
        }
        return new Writes(size, new int[0], Duration.ZERO);
    }

    /**
     * {@return each send cut at these byte offsets}: {@code splitAt(1, 2)} sends a frame's first
     * byte, its second byte and the rest in three writes. Offsets at or past the end of a send are
     * ignored for that send.
     *
     * @throws IllegalArgumentException if an offset is not positive, or they are not increasing
     * @param offsets where to cut, in bytes from the start of each send
     */
    public static Writes splitAt(int... offsets) {
        for (int i = 0; i < offsets.length; i++) {
            if (offsets[i] <= 0 || i > 0 && offsets[i] <= offsets[i - 1]) {
                throw new IllegalArgumentException("split offsets must be positive and increasing: "
                        + Arrays.toString(offsets));
            }
        }
        return new Writes(0, offsets.clone(), Duration.ZERO);
    }

    /**
     * {@return these writes with {@code pause} before every write of a send but its first}
     *
     * @throws IllegalArgumentException if {@code pause} is negative
     * @param pause the pause
     */
    public Writes pausing(Duration pause) {
        if (Objects.requireNonNull(pause, "pause").isNegative()) {
            throw new IllegalArgumentException("a pause cannot be negative: " + pause);
        }
        return new Writes(size, cuts, pause);
    }

    /** {@return the pause before every write of a send but its first} */
    Duration pause() {
        return pause;
    }

    /** {@return {@code bytes} cut into the writes this policy makes} */
    List<byte[]> cut(byte[] bytes) {
        List<byte[]> writes = new ArrayList<>();
        if (size > 0) {
            for (int at = 0; at < bytes.length; at += size) {
                writes.add(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + size)));
            }
        } else {
            int from = 0;
            for (int cut : cuts) {
                if (cut >= bytes.length) {
                    break;
                }
                writes.add(Arrays.copyOfRange(bytes, from, cut));
                from = cut;
            }
            writes.add(Arrays.copyOfRange(bytes, from, bytes.length));
        }
        return writes;
    }

    @Override
    public String toString() {
        String how = size > 0 ? "writes of " + size + " bytes" : cuts.length > 0 ? "split at " + Arrays.toString(cuts) : "whole";
        return "Writes[" + how + (pause.isZero() ? "" : ", pausing " + pause) + "]";
    }
}
