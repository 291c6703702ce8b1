package dev.framewire.internal.receive;

import dev.framewire.Opcode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The held parts of one message, joined into a single array as they arrive: what
 * {@link MessageAssembler} switches to when a message comes in many small parts, so that the heap
 * it holds is bounded by the payload's bytes rather than by the number of parts. A part object,
 * its array header and its slot in the deque cost about 60 bytes, so a message of 1,000,000
 * one-byte fragments held as parts took 50 MiB for 1 MiB of payload, and a peer could exhaust the
 * heap with a message far under {@code maxMessageSize}.
 *
 * <p>Text is held as UTF-8, which is also what the size limit counts, so the array never grows
 * past the limit and the count is exact. The JDK hands over text in whole characters (its decoder
 * keeps a character's incomplete bytes for the next part, {@code UTF8AccumulatingDecoder} in 17
 * and 25), but this class does not rely on it: a part that ends inside a surrogate pair has its
 * high surrogate wait for the low one in the next part, and a text that starts with a low
 * surrogate (the rest of a pair whose first half a {@code readFrame} took) keeps it as it came,
 * since UTF-8 has no form for it. (It was written as {@code '?'} until the property
 * {@code MessageAssemblerTest.framesTakenInBetweenAndTheRestMakeTheMessage} found that the frames
 * and the rest then no longer joined into the message.) Any other unpaired surrogate, which
 * valid UTF-8 cannot hold, is written as {@code '?'}, as {@link String#getBytes} does.
 *
 * <p>The array doubles as it grows, but never past {@code limit}: the caller refuses a message
 * before it grows past the limit, so the array is at most the limit, and at most twice the
 * payload held.
 *
 * <p>Not thread-safe: owned by a {@link MessageAssembler}.
 */
final class CompactedParts {

    private static final byte[] EMPTY = new byte[0];

    private final Opcode type;        // TEXT or BINARY
    private final Opcode firstOpcode; // the opcode of the first part joined: TEXT, BINARY or CONTINUATION
    private final long limit;
    private byte[] bytes = EMPTY;
    private int size;
    private char heldHighSurrogate; // text only; 0 when none
    private char leadingLowSurrogate; // text only: the low half of a pair that starts the text; 0 when none

    /**
     * @param type        the message's type, {@link Opcode#TEXT} or {@link Opcode#BINARY}
     * @param firstOpcode the opcode of the first part that will be joined
     * @param limit       the message size limit: the array never grows past it
     */
    CompactedParts(Opcode type, Opcode firstOpcode, long limit) {
        this.type = type;
        this.firstOpcode = firstOpcode;
        this.limit = limit;
    }

    /**
     * {@return the parts joined so far as one non-final part}, for a {@code readFrame} that comes
     * in between: it reads as the first of them did (the first of a message, or a continuation)
     */
    Inbound asOnePart() {
        return type == Opcode.TEXT ? TextPart.copied(firstOpcode, toText(), false)
                : new BinaryPart(firstOpcode, toBytes(), false);
    }

    /**
     * {@return the bytes held: the payload, UTF-8 for text} (a held high surrogate not yet
     * counted; a leading low surrogate counted as {@link Utf8#encodedLength} counts it, three)
     */
    int size() {
        return leadingLowSurrogate == 0 ? size : size + 3;
    }

    /** {@return the length of the array that holds the bytes}: what the heap pays, for tests of the bound */
    int capacity() {
        return bytes.length;
    }

    /**
     * {@return the UTF-8 bytes held once {@code text} is appended}, exactly, given its
     * {@link Utf8#encodedLength}: a held high surrogate and a low surrogate starting {@code text}
     * become one four-byte pair.
     */
    long sizeWith(CharSequence text, long encodedLength) {
        if (heldHighSurrogate == 0) {
            return size() + encodedLength;
        }
        boolean completesPair = text.length() > 0 && Character.isLowSurrogate(text.charAt(0));
        // encodedLength counted the lone low surrogate as 3 bytes; the pair takes 4 in all
        return completesPair ? size() + 4 + encodedLength - 3 : size() + 1 + encodedLength;
    }

    /** Appends binary payload. */
    void append(byte[] part) {
        ensureRoom(part.length);
        System.arraycopy(part, 0, bytes, size, part.length);
        size += part.length;
    }

    /**
     * Appends text as UTF-8. {@code encodedLength} is its {@link Utf8#encodedLength}, which the
     * caller checked against the limit through {@link #sizeWith}: the array grows by exactly that
     * much, so it stays within the limit. (It once grew by three bytes a char, the most UTF-8
     * takes: a message of many small parts and then one large ASCII part held an array three
     * times the limit.) {@code sizeWith} never counts fewer bytes than this writes: it counts a
     * lone surrogate, written as one {@code '?'}, as three.
     */
    void appendText(CharSequence text, long encodedLength) {
        ensureRoom(sizeWith(text, encodedLength) - size());
        int n = text.length();
        int i = 0;
        if (n > 0 && size == 0 && heldHighSurrogate == 0 && leadingLowSurrogate == 0
                && Character.isLowSurrogate(text.charAt(0))) {
            leadingLowSurrogate = text.charAt(0); // the rest of a pair a readFrame took the first half of
            i = 1;
        }
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (heldHighSurrogate != 0) {
                char high = heldHighSurrogate;
                heldHighSurrogate = 0;
                if (Character.isLowSurrogate(c)) {
                    putCodePoint(Character.toCodePoint(high, c));
                    continue;
                }
                putCodePoint(high);
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    putCodePoint(Character.toCodePoint(c, text.charAt(++i)));
                } else if (i + 1 == n) {
                    heldHighSurrogate = c; // its low surrogate may start the next part
                } else {
                    putCodePoint(c);
                }
            } else {
                putCodePoint(c);
            }
        }
    }

    /** Writes one code point as UTF-8; a lone surrogate as {@code '?'}, as {@link String#getBytes} does. */
    private void putCodePoint(int cp) {
        if (cp < 0x80) {
            bytes[size++] = (byte) cp;
        } else if (cp < 0x800) {
            bytes[size++] = (byte) (0xC0 | cp >> 6);
            bytes[size++] = (byte) (0x80 | cp & 0x3F);
        } else if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
            bytes[size++] = '?';
        } else if (cp < 0x10000) {
            bytes[size++] = (byte) (0xE0 | cp >> 12);
            bytes[size++] = (byte) (0x80 | cp >> 6 & 0x3F);
            bytes[size++] = (byte) (0x80 | cp & 0x3F);
        } else {
            bytes[size++] = (byte) (0xF0 | cp >> 18);
            bytes[size++] = (byte) (0x80 | cp >> 12 & 0x3F);
            bytes[size++] = (byte) (0x80 | cp >> 6 & 0x3F);
            bytes[size++] = (byte) (0x80 | cp & 0x3F);
        }
    }

    /** Grows the array for {@code more} bytes: doubling, but never past the limit unless it must. */
    private void ensureRoom(long more) {
        long needed = size + more;
        if (needed <= bytes.length) {
            return;
        }
        long doubled = Math.max(needed, Math.max(64, 2L * bytes.length));
        long capped = Math.max(needed, Math.min(doubled, limit + 4)); // + 4: a held pair's last bytes
        bytes = Arrays.copyOf(bytes, Math.toIntExact(Math.min(capped, Integer.MAX_VALUE - 8)));
    }

    /** {@return the binary payload held, exactly sized} */
    byte[] toBytes() {
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }

    /**
     * {@return the text held, with a leading low surrogate at the start and a high surrogate still
     * waiting for its pair at the end}
     */
    String toText() {
        String text = new String(bytes, 0, size, StandardCharsets.UTF_8);
        if (leadingLowSurrogate != 0) {
            text = leadingLowSurrogate + text;
        }
        return heldHighSurrogate == 0 ? text : text + heldHighSurrogate;
    }
}
