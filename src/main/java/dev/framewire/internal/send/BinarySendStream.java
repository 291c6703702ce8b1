package dev.framewire.internal.send;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * {@code sendStream()}: one binary message written as a stream. Writes fill a buffer of
 * {@value #FRAGMENT_BYTES} bytes; a full buffer, or {@link #flush()} with something buffered,
 * goes out as a non-final frame, and {@link #close()} sends the final frame (empty if nothing is
 * buffered). Every send blocks as {@code sendFrame} does and throws what it throws.
 *
 * <p>Thread-safe: writes from several threads are serialized (the bytes of one call stay
 * together), though a stream is normally written by one thread.
 */
public final class BinarySendStream extends OutputStream implements SendStream {

    /** The size of a non-final frame made from buffered writes. */
    static final int FRAGMENT_BYTES = 64 * 1024;

    private final SendBuffer frames;
    private byte[] buffer = new byte[FRAGMENT_BYTES]; // written under the SendBuffer's lock

    private BinarySendStream(OutboundSender sender) {
        this.frames = new SendBuffer(FRAGMENT_BYTES,
                (length, last, handedOver) -> sender.streamBinary(this, ByteBuffer.wrap(buffer, 0, length), last, handedOver),
                () -> buffer = new byte[FRAGMENT_BYTES], "sendStream()");
    }

    /**
     * Opens a binary send stream.
     *
     * @throws IllegalStateException if a message or another send stream is unfinished
     */
    public static OutputStream open(OutboundSender sender) throws IOException {
        BinarySendStream stream = new BinarySendStream(sender);
        sender.openStream(stream);
        return stream;
    }

    @Override
    public void write(int b) throws IOException {
        frames.write(1, (from, to, n) -> buffer[to] = (byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        frames.write(len, (from, to, n) -> System.arraycopy(b, off + from, buffer, to, n));
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
    public SentFrame frames() {
        return SentFrame.BINARY_FRAME;
    }

    @Override
    public String toString() {
        return "a sendStream() message";
    }
}
