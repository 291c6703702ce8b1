package dev.framewire.internal;

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
 * <p>Thread-safe: writes from several threads are serialized, though a writer is normally used
 * by one thread.
 */
public final class TextSendWriter extends Writer {

    /** The size of a non-final frame made from buffered writes, in chars (at most 48 KiB of UTF-8). */
    static final int FRAGMENT_CHARS = 16 * 1024;

    private final SendBuffer frames;
    private char[] buffer = new char[FRAGMENT_CHARS]; // written under the SendBuffer's lock

    private TextSendWriter(OutboundSender sender) {
        // The JDK encodes the chars before the send completes, and the send blocks until then,
        // so the buffer may be reused as soon as it returns.
        this.frames = new SendBuffer(FRAGMENT_CHARS,
                (length, last) -> sender.streamText(this, CharBuffer.wrap(buffer, 0, length), last),
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
        frames.write(len, (from, to, n) -> System.arraycopy(chars, off + from, buffer, to, n));
    }

    @Override
    public void write(String text, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, text.length());
        frames.write(len, (from, to, n) -> text.getChars(off + from, off + from + n, buffer, to));
    }

    @Override
    public void flush() throws IOException {
        frames.flush();
    }

    @Override
    public void close() throws IOException {
        frames.close();
    }

    @Override
    public String toString() {
        return "a sendWriter() message";
    }
}
