package dev.framewire.internal;

/**
 * UTF-8 arithmetic on UTF-16 text without encoding it: the size limits of control payloads,
 * close reasons and messages are in bytes, and a lone surrogate cannot be encoded at all.
 */
public final class Utf8 {

    /** Returned by {@link #firstUnpairedSurrogate} when every surrogate is paired. */
    public static final int NONE = -1;

    private Utf8() {
    }

    /**
     * {@return the number of bytes {@code text} takes in UTF-8}, counting an unpaired surrogate
     * as the three bytes of its replacement.
     */
    public static long encodedLength(CharSequence text) {
        long bytes = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * {@return the index of the first surrogate in {@code text} that is not part of a pair}, or
     * {@link #NONE}. With {@code allowTrailingHigh}, a high surrogate as the very last char is
     * not reported: the next fragment of a message may complete the pair.
     */
    public static int firstUnpairedSurrogate(CharSequence text, boolean allowTrailingHigh) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n) {
                    if (Character.isLowSurrogate(text.charAt(i + 1))) {
                        i++;
                        continue;
                    }
                } else if (allowTrailingHigh) {
                    return NONE;
                }
            }
            return i;
        }
        return NONE;
    }
}
