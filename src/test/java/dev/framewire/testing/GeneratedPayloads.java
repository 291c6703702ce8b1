package dev.framewire.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * Message payloads for property tests, made from a size and a seed rather than generated element
 * by element: a 64 KiB payload then costs nothing to generate, a shrunk case reads as a size and a
 * seed ({@code 8 bytes, seed 0}), and the same pair always makes the same payload. Seed 0 makes
 * a counting pattern (1, 2, 3, ...), which shows at a glance when bytes arrive in another order.
 */
public final class GeneratedPayloads {

    /**
     * Sizes where framing and buffering change: empty, the 8-byte words the JDK masks in, the
     * largest payload with a 7-bit length (125) and the first with a 16-bit one (126), the largest
     * 16-bit length (65,535) and the first 64-bit one (65,536), and the JDK's 16 KiB buffers.
     */
    static final int[] BOUNDARY_SIZES = {
        0, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 124, 125, 126, 127, 128,
        16_383, 16_384, 16_385, 32_767, 32_768, 32_769, 65_535, 65_536, 65_537,
    };

    /** The largest payload the property tests send: past 64 Ki and a few 16 KiB buffers. */
    public static final int MAX_SIZE = 70_000;

    private GeneratedPayloads() {
    }

    /** Sizes from 0 to {@code max}, mostly the boundary sizes and small ones. */
    public static Arbitrary<Integer> sizes(int max) {
        Integer[] boundaries = IntStream.of(BOUNDARY_SIZES).filter(size -> size <= max).boxed().toArray(Integer[]::new);
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(boundaries)),
                Tuple.of(4, Arbitraries.integers().between(0, Math.min(max, 300))),
                Tuple.of(1, Arbitraries.integers().between(0, max)));
    }

    /** Seeds for {@link #bytes} and {@link #text}; shrinks to 0, the counting pattern. */
    public static Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    /** {@return {@code size} bytes: 1, 2, 3, ... for seed 0, random bytes from the seed otherwise} */
    public static byte[] bytes(int size, long seed) {
        byte[] bytes = new byte[size];
        if (seed == 0) {
            for (int i = 0; i < size; i++) {
                bytes[i] = (byte) (i + 1);
            }
        } else {
            new SplittableRandom(seed).nextBytes(bytes);
        }
        return bytes;
    }

    /** What characters a text is made of, by their length in UTF-8. */
    public enum Alphabet {
        /** U+0000 to U+007F: one byte each. */
        ASCII,
        /** Mostly two-byte characters (U+0080 to U+07FF). */
        TWO_BYTES,
        /** Mostly three-byte characters (U+0800 to U+FFFF, no surrogates). */
        THREE_BYTES,
        /** Mostly supplementary characters: a surrogate pair each, four bytes in UTF-8. */
        SUPPLEMENTARY,
        /** Any of them, at random. */
        MIXED
    }

    /**
     * A text of exactly {@code utf8Length} bytes in UTF-8 (never an unpaired surrogate): seed 0
     * counts through the alphabet, any other seed picks characters at random. Where the
     * alphabet's characters no longer fit, shorter ones fill the last few bytes.
     */
    public static String text(int utf8Length, Alphabet alphabet, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder(utf8Length);
        int remaining = utf8Length;
        for (int i = 0; remaining > 0; i++) {
            int bytes = alphabet == Alphabet.MIXED ? 1 + random.nextInt(4) : alphabet.ordinal() + 1;
            bytes = Math.min(bytes, remaining);
            text.appendCodePoint(seed == 0 ? countingCodePoint(bytes, i) : randomCodePoint(bytes, random));
            remaining -= bytes;
        }
        return text.toString();
    }

    private static int countingCodePoint(int utf8Bytes, int i) {
        return switch (utf8Bytes) {
            case 1 -> 'a' + i % 26;
            case 2 -> 0x3B1 + i % 25;      // Greek small letters
            case 3 -> 0x4E00 + i % 1000;   // CJK ideographs
            default -> 0x1F600 + i % 80;   // emoji
        };
    }

    private static int randomCodePoint(int utf8Bytes, SplittableRandom random) {
        return switch (utf8Bytes) {
            case 1 -> random.nextInt(0x80);
            case 2 -> random.nextInt(0x80, 0x800);
            case 3 -> {
                int bmp = random.nextInt(0x800, 0x10000 - 0x800); // skip the 2,048 surrogates
                yield bmp < Character.MIN_SURROGATE ? bmp : bmp + 0x800;
            }
            default -> random.nextInt(0x10000, Character.MAX_CODE_POINT + 1);
        };
    }

    /** {@return the UTF-8 encoding of {@code text}} */
    public static byte[] utf8(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@return a short description of {@code bytes} for failure messages: the length and the first bytes} */
    public static String describe(byte[] bytes) {
        int shown = Math.min(bytes.length, 16);
        StringBuilder description = new StringBuilder().append(bytes.length).append(" bytes [");
        for (int i = 0; i < shown; i++) {
            description.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xFF));
        }
        return description.append(bytes.length > shown ? " ...]" : "]").toString();
    }

    /** {@return a short description of {@code text} for failure messages: its lengths and first code points} */
    public static String describe(CharSequence text) {
        String string = text.toString();
        int[] codePoints = string.codePoints().limit(12).toArray();
        StringBuilder description = new StringBuilder().append(string.length()).append(" chars, ")
                .append(utf8(string).length).append(" UTF-8 bytes [");
        for (int i = 0; i < codePoints.length; i++) {
            description.append(i == 0 ? "" : " ").append(String.format("U+%04X", codePoints[i]));
        }
        return description.append(string.codePointCount(0, string.length()) > codePoints.length ? " ...]" : "]")
                .toString();
    }

    /** {@return {@code null} if the arrays are equal, else a message that says where they differ} */
    public static String difference(byte[] expected, byte[] actual) {
        if (Arrays.equals(expected, actual)) {
            return null;
        }
        int at = Arrays.mismatch(expected, actual);
        return "expected " + describe(expected) + " but got " + describe(actual) + ", first difference at byte " + at;
    }
}
