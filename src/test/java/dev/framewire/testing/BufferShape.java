package dev.framewire.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.InvalidMarkException;
import java.util.Arrays;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * How a user may hand bytes to a send: a {@code byte[]}, or a {@code ByteBuffer} that is heap or
 * direct, read-only or not, a slice of a larger buffer, with its position above zero and its limit
 * below its capacity (other bytes around the payload), a mark, and either byte order.
 *
 * <p><b>{@code LITTLE_ENDIAN} is here on purpose:</b> JDK 17 masks a payload eight bytes at a
 * time in the buffer's own byte order (JDK-8351339), so a little-endian buffer of 8 bytes or more
 * reaches the peer reordered unless framewire hands the JDK a big-endian view. Before that guard,
 * the properties that use this shape fail on JDK 17.0.15 with a shrunk case like
 * {@code 8 bytes, seed 0, HEAP LITTLE_ENDIAN} (bytes 1..8 arrive as 8..1).
 *
 * @param kind        {@code byte[]}, heap or direct buffer
 * @param readOnly    a read-only view of the buffer (ignored for arrays)
 * @param order       the buffer's byte order (ignored for arrays)
 * @param sliceOffset bytes in the parent buffer before the slice that is handed over; 0 for no slice
 * @param before      bytes between the buffer's start and its position
 * @param after       bytes between the buffer's limit and its capacity
 * @param marked      whether the buffer's mark is set at its position
 */
public record BufferShape(Kind kind, boolean readOnly, ByteOrder order, int sliceOffset, int before, int after,
                          boolean marked) {

    /** What holds the bytes. */
    public enum Kind { ARRAY, HEAP, DIRECT }

    /** The byte every byte around the payload holds, so that a send that reads past it is seen. */
    private static final byte JUNK = (byte) 0xEE;

    /** Every shape, byte arrays included. */
    public static Arbitrary<BufferShape> any() {
        return shapes(Arbitraries.of(Kind.values()));
    }

    /** Every shape of {@code ByteBuffer}, for the calls that take no {@code byte[]}. */
    public static Arbitrary<BufferShape> buffers() {
        return shapes(Arbitraries.of(Kind.HEAP, Kind.DIRECT));
    }

    private static Arbitrary<BufferShape> shapes(Arbitrary<Kind> kinds) {
        Arbitrary<Integer> around = Arbitraries.integers().between(0, 9);
        return Combinators.combine(kinds, Arbitraries.of(false, true),
                        Arbitraries.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN), // LITTLE_ENDIAN: JDK-8351339
                        around, around, around, Arbitraries.of(false, true))
                .as(BufferShape::new);
    }

    /** {@return a fresh holder of {@code payload} in this shape, with bytes of its own around it} */
    public Made make(byte[] payload) {
        if (kind == Kind.ARRAY) {
            byte[] array = payload.clone();
            return new Made(this, array, null, ByteBuffer.wrap(array));
        }
        int capacity = sliceOffset + before + payload.length + after;
        ByteBuffer parent = kind == Kind.DIRECT ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        for (int i = 0; i < capacity; i++) {
            parent.put(i, JUNK);
        }
        parent.put(sliceOffset + before, payload);
        ByteBuffer writable = sliceOffset == 0 ? parent : parent.slice(sliceOffset, capacity - sliceOffset);
        ByteBuffer buffer = readOnly ? writable.asReadOnlyBuffer() : writable.duplicate();
        buffer.order(order).limit(before + payload.length).position(before);
        if (marked) {
            buffer.mark();
        }
        return new Made(this, null, buffer, writable);
    }

    /**
     * One holder made by {@link #make}: what to pass to the send, and what to check afterwards.
     *
     * @param array    the array to pass, for {@link Kind#ARRAY}
     * @param buffer   the buffer to pass, otherwise
     * @param writable a writable view of all of the holder's bytes (for a read-only buffer, the
     *                 buffer it views), to change them after the send
     */
    public record Made(BufferShape shape, byte[] array, ByteBuffer buffer, ByteBuffer writable) {

        /** The state of the buffer the send was given: position, limit, order, mark and every byte. */
        public State state() {
            if (buffer == null) {
                return new State(0, array.length, ByteOrder.BIG_ENDIAN, -1, array.clone());
            }
            ByteBuffer probe = buffer.duplicate(); // a duplicate has the same mark; resetting it moves nothing here
            int mark;
            try {
                mark = probe.reset().position();
            } catch (InvalidMarkException none) {
                mark = -1;
            }
            byte[] all = new byte[buffer.capacity()];
            buffer.duplicate().clear().get(all);
            return new State(buffer.position(), buffer.limit(), buffer.order(), mark, all);
        }

        /** Overwrites every byte of the holder, as a caller that reuses its buffer after the send does. */
        public void scribble() {
            for (int i = 0; i < writable.capacity(); i++) {
                writable.put(i, (byte) ~writable.get(i));
            }
        }
    }

    /** A buffer's state, to compare before and after a send. */
    public record State(int position, int limit, ByteOrder order, int mark, byte[] bytes) {

        /** {@return this state with the position moved to the limit: what a send leaves behind} */
        public State sent() {
            return new State(limit, limit, order, mark, bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof State that && position == that.position && limit == that.limit
                    && order.equals(that.order) && mark == that.mark && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(bytes) + position;
        }

        @Override
        public String toString() {
            return "State[position=" + position + ", limit=" + limit + ", order=" + order + ", mark="
                    + (mark < 0 ? "none" : mark) + ", " + GeneratedPayloads.describe(bytes) + "]";
        }
    }

    @Override
    public String toString() {
        if (kind == Kind.ARRAY) {
            return "byte[]";
        }
        return kind + (readOnly ? " read-only" : "") + " " + order
                + (sliceOffset > 0 ? ", slice at " + sliceOffset : "")
                + (before > 0 ? ", position " + before : "") + (after > 0 ? ", " + after + " bytes after the limit" : "")
                + (marked ? ", marked" : "");
    }
}
