package dev.framewire.internal.send;

import dev.framewire.internal.Utf8;

import java.io.IOException;
import java.io.Writer;
import java.nio.CharBuffer;
import java.util.Objects;

/**
 * {@code sendWriter()}: one text message written as a stream. Writes fill a buffer of
 * {@value #FRAGMENT_CHARS} chars; a full buffer, or {@link #flush()} with something buffered, goes
 * out as a non-final frame, and {@link #close()} sends the final frame (empty if nothing is
 * buffered). A surrogate pair is never split across frames: a high surrogate at the end of a
 * non-final frame is held back and sent with the next one ({@link OutboundSender} does that for
 * every text fragment). Every send blocks as {@code sendFrame} does and throws what it throws.
 *
 * <p>Each write is checked for unpaired surrogates before the writer takes any of it, and
 * {@link #close()} refuses to end the message on a high surrogate: so no frame is ever refused
 * for its text, which would leave buffered text that can be neither sent nor taken back. A
 * refused write or close takes nothing and leaves the writer open ({@link SendBuffer}).
 *
 * <p>Thread-safe: writes from several threads are serialized, though a writer is normally used
 * by one thread.
 */
public final class TextSendWriter extends Writer implements SendStream {

    /** The size of a non-final frame made from buffered writes, in chars (at most 48 KiB of UTF-8). */
    static final int FRAGMENT_CHARS = 16 * 1024;

    private final SendBuffer frames;
    private char[] buffer = new char[FRAGMENT_CHARS]; // written under the SendBuffer's lock
    private char pendingHigh; // the last char taken, if it is a high surrogate, else 0; under the SendBuffer's lock

    private TextSendWriter(OutboundSender sender) {
        // The JDK encodes the chars before the send completes, and the send blocks until then,
        // so the buffer may be reused as soon as it returns.
        this.frames = new SendBuffer(FRAGMENT_CHARS,
                (length, last, handedOver) -> sender.streamText(this, CharBuffer.wrap(buffer, 0, length), last, handedOver),
                () -> buffer = new char[FRAGMENT_CHARS], "sendWriter()");
    }

    /**
     * Opens a text send stream.
     *
     * @throws IllegalStateException if a message or another send stream is unfinished
     */
    public static Writer open(OutboundSender sender) throws IOException {
        TextSendWriter writer = new TextSendWriter(sender);
        sender.openStream(writer);
        return writer;
    }

    @Override
    public void write(char[] chars, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, chars.length);
        frames.write(len, () -> check(CharBuffer.wrap(chars, off, len)), (from, to, n) -> {
            System.arraycopy(chars, off + from, buffer, to, n);
            taken(to, n);
        });
    }

    @Override
    public void write(String text, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, text.length());
        frames.write(len, () -> check(CharBuffer.wrap(text, off, off + len)), (from, to, n) -> {
            text.getChars(off + from, off + from + n, buffer, to);
            taken(to, n);
        });
    }

    /**
     * Refuses a write with an unpaired surrogate, before any of it is taken: a low surrogate
     * without its high one, a high surrogate followed by anything but its low one, or a write
     * that does not start with the low surrogate of a high one the previous write ended with.
     * A high surrogate at the end is fine: the next write may complete the pair.
     */
    private void check(CharSequence text) {
        int from = 0;
        if (pendingHigh != 0 && text.length() > 0) {
            char first = text.charAt(0);
            if (!Character.isLowSurrogate(first)) {
                throw new IllegalArgumentException(String.format("The previous write to %s ended with a high surrogate"
                        + " (U+%04X); this write must start with its low surrogate, but starts with U+%04X: nothing of"
                        + " it was taken", this, (int) pendingHigh, (int) first));
            }
            from = 1;
        }
        int unpaired = Utf8.firstUnpairedSurrogate(text.subSequence(from, text.length()), true);
        if (unpaired != Utf8.NONE) {
            int at = from + unpaired;
            throw new IllegalArgumentException(String.format("Text has an unpaired surrogate at index %d (U+%04X) of"
                    + " this write to %s: nothing of it was taken", at, (int) text.charAt(at), this));
        }
    }

    /** The {@code n} chars now at {@code to} in the buffer were taken. */
    private void taken(int to, int n) {
        if (n > 0) {
            char last = buffer[to + n - 1];
            pendingHigh = Character.isHighSurrogate(last) ? last : 0;
        }
    }

    @Override
    public void flush() throws IOException {
        frames.flush();
    }

    @Override
    public void close() throws IOException {
        frames.close(() -> {
            if (pendingHigh != 0) {
                throw new IllegalArgumentException(String.format("Cannot finish %s that ends with a high surrogate"
                        + " (U+%04X) without its low surrogate: nothing was sent, and the writer stays open to write it"
                        + " and close() again", this, (int) pendingHigh));
            }
        });
    }

    @Override
    public SentFrame frames() {
        return SentFrame.TEXT_FRAME;
    }

    @Override
    public String toString() {
        return "a sendWriter() message";
    }
}
