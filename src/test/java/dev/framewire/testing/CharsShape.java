package dev.framewire.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.util.Arrays;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * How a user may hand text to a send: any {@code CharSequence}. A {@code String}, a
 * {@code StringBuilder}, a {@code CharBuffer} that wraps an array (at an offset, as a slice,
 * read-only) or a {@code String}, a direct {@code CharBuffer} in either byte order, or a
 * {@code CharSequence} of the user's own that implements only what the interface requires.
 *
 * @param kind   the kind of sequence
 * @param before characters of the holder before the text (for the kinds that can have them)
 * @param after  characters of the holder after the text
 */
public record CharsShape(Kind kind, int before, int after) {

    /** The kinds of {@code CharSequence}. */
    public enum Kind {
        STRING, STRING_BUILDER,
        /** {@code CharBuffer.wrap(char[], offset, length)}: position above zero, limit below capacity. */
        CHAR_BUFFER,
        /** A slice of a {@code CharBuffer}, starting at an offset in its array. */
        CHAR_BUFFER_SLICE,
        CHAR_BUFFER_READ_ONLY,
        /** {@code CharBuffer.wrap(CharSequence, start, end)} of a longer {@code String}. */
        CHAR_BUFFER_OF_STRING,
        /** A view of a direct {@code ByteBuffer}, big-endian. */
        DIRECT_CHAR_BUFFER,
        /** A view of a direct {@code ByteBuffer}, little-endian. */
        DIRECT_CHAR_BUFFER_LITTLE_ENDIAN,
        /** A user's own {@code CharSequence} over an array, with only the interface's methods. */
        CUSTOM
    }

    private static final char JUNK = '\u2592';

    /** Every shape. */
    public static Arbitrary<CharsShape> any() {
        Arbitrary<Integer> around = Arbitraries.integers().between(0, 5);
        return Combinators.combine(Arbitraries.of(Kind.values()), around, around).as(CharsShape::new);
    }

    /** {@return a fresh sequence of {@code text}'s characters in this shape} */
    public Made make(String text) {
        int length = text.length();
        char[] all = new char[before + length + after];
        Arrays.fill(all, JUNK);
        text.getChars(0, length, all, before);
        switch (kind) {
            case STRING:
                return new Made(text, null);
            case STRING_BUILDER: {
                StringBuilder builder = new StringBuilder(text);
                return new Made(builder, () -> {
                    for (int i = 0; i < builder.length(); i++) {
                        builder.setCharAt(i, JUNK);
                    }
                    builder.append("more");
                });
            }
            case CHAR_BUFFER:
                return new Made(CharBuffer.wrap(all, before, length), () -> Arrays.fill(all, 'x'));
            case CHAR_BUFFER_SLICE: {
                CharBuffer slice = CharBuffer.wrap(all).position(before).slice().limit(length);
                return new Made(slice, () -> Arrays.fill(all, 'x'));
            }
            case CHAR_BUFFER_READ_ONLY:
                return new Made(CharBuffer.wrap(all, before, length).asReadOnlyBuffer(), () -> Arrays.fill(all, 'x'));
            case CHAR_BUFFER_OF_STRING:
                return new Made(CharBuffer.wrap(new String(all), before, before + length), null);
            case DIRECT_CHAR_BUFFER:
            case DIRECT_CHAR_BUFFER_LITTLE_ENDIAN: {
                ByteOrder order = kind == Kind.DIRECT_CHAR_BUFFER ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
                CharBuffer direct = ByteBuffer.allocateDirect(2 * all.length).order(order).asCharBuffer();
                direct.put(all).limit(before + length).position(before);
                CharBuffer whole = direct.duplicate().clear();
                return new Made(direct, () -> {
                    for (int i = 0; i < whole.capacity(); i++) {
                        whole.put(i, 'x');
                    }
                });
            }
            default:
                return new Made(new ArrayChars(all, before, length), () -> Arrays.fill(all, 'x'));
        }
    }

    /**
     * One sequence made by {@link #make}.
     *
     * @param chars    what to pass to the send
     * @param scribble changes every character it holds, or {@code null} if it cannot change
     */
    public record Made(CharSequence chars, Runnable scribble) {

        /** What a send must leave as it was: the characters, and a {@code CharBuffer}'s position and limit. */
        public String state() {
            String text = chars.toString();
            if (chars instanceof CharBuffer buffer) {
                return "position " + buffer.position() + ", limit " + buffer.limit() + ": " + text;
            }
            return text;
        }

        /** Changes the characters, as a caller that reuses its builder or buffer after the send does. */
        public void scribbleIfMutable() {
            if (scribble != null) {
                scribble.run();
            }
        }
    }

    /** A user's {@code CharSequence} with nothing but the interface's methods, like many hand-written ones. */
    private static final class ArrayChars implements CharSequence {
        private final char[] chars;
        private final int offset;
        private final int length;

        ArrayChars(char[] chars, int offset, int length) {
            this.chars = chars;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            if (index < 0 || index >= length) {
                throw new IndexOutOfBoundsException(index);
            }
            return chars[offset + index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            if (start < 0 || end > length || start > end) {
                throw new IndexOutOfBoundsException("subSequence(" + start + ", " + end + ") of " + length);
            }
            return new ArrayChars(chars, offset + start, end - start);
        }

        @Override
        public String toString() {
            return new String(chars, offset, length);
        }
    }

    @Override
    public String toString() {
        return kind + (before > 0 || after > 0 ? " (" + before + " chars before, " + after + " after)" : "");
    }
}
