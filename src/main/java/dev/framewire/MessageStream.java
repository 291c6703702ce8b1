package dev.framewire;

import dev.framewire.internal.receive.InboundReader;
import dev.framewire.internal.receive.StreamPart;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One received message, read part by part as it arrives: the payload bytes (UTF-8 for a text
 * message), then -1 after its final part. Returned by {@link FrameSocket#readMessageStream()}.
 *
 * <p>Memory held is bounded by the receive queue whatever the size of the message, and
 * {@linkplain FrameSocket.Builder#maxMessageSize(int) maxMessageSize} does not apply: a stream
 * is how to read a message too large to hold.
 *
 * <p><b>Blocking.</b> A read returns the bytes already received, and blocks only when none are
 * left, waiting for the next part up to the {@linkplain FrameSocket.Builder#readTimeout(Duration)
 * read timeout}: then it throws {@link ReadTimeoutException}, and the stream stays usable. If the
 * connection ends before the final part, a read throws {@link ConnectionClosedException} once
 * every byte that had arrived was read. An interrupted read throws
 * {@link java.io.InterruptedIOException} and loses nothing.
 *
 * <p><b>Finishing.</b> Until the stream has returned -1 or is closed, the socket's
 * {@code readFrame}, {@code readMessage} and {@code readMessageStream} throw
 * {@link IllegalStateException}. {@link #close()} on an unfinished stream discards the rest of
 * this message only (its parts are dropped as they arrive) and the connection stays usable;
 * nothing of the message reaches a later read. {@code close()} may come from another thread
 * while a read waits: it returns at once, and the waiting read throws {@link IOException}.
 *
 * <p>Reads from several threads are serialized; a stream is normally read by one thread.
 */
public final class MessageStream extends InputStream {

    private final InboundReader<?, ?> source;
    private final Opcode type;
    private final ReentrantLock lock = new ReentrantLock();
    private byte[] part;      // the part being read; guarded by lock
    private int position;     // guarded by lock
    private boolean last;     // the part is the message's last; guarded by lock
    private final long id;    // the reader's id for this stream
    private volatile boolean closed; // written under lock, or by close() from another thread
    private Reader reader;    // made on first use; guarded by lock

    MessageStream(InboundReader<?, ?> source, StreamPart first) {
        this.source = source;
        this.type = first.type();
        this.part = first.bytes();
        this.last = first.last();
        this.id = first.stream();
    }

    /** {@return {@link Opcode#TEXT} or {@link Opcode#BINARY}} */
    public Opcode type() {
        return type;
    }

    /**
     * Gives the text of a text message, decoded as it arrives: the same reader on every call.
     * Read either the reader or the bytes of a stream, not both.
     *
     * @return the reader of this message's text
     * @throws IllegalStateException if this is a binary message
     */
    public Reader reader() {
        if (type != Opcode.TEXT) {
            throw new IllegalStateException("reader() is for text messages; this one is binary: read its bytes");
        }
        lock.lock();
        try {
            if (reader == null) {
                reader = new InputStreamReader(this, StandardCharsets.UTF_8);
            }
            return reader;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads one byte: at once if one of the part received last is left, else blocks for the next
     * part up to the read timeout.
     *
     * @return the byte, or -1 after the message's last byte
     * @throws ReadTimeoutException      if the next part did not arrive in time (the stream stays usable)
     * @throws ConnectionClosedException if the connection ended before the message's last part
     * @throws java.io.InterruptedIOException if interrupted while waiting (nothing is lost)
     * @throws IOException               if this stream was closed
     */
    @Override
    public int read() throws IOException {
        lock.lock();
        try {
            return hasBytes() ? part[position++] & 0xFF : -1;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads up to {@code len} bytes of what is received: at once if any byte of the part received
     * last is left (never more than that part holds), else blocks for the next part up to the
     * read timeout.
     *
     * @return how many bytes were read, or -1 after the message's last byte
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not fit {@code b}
     * @throws ReadTimeoutException      if the next part did not arrive in time (the stream stays usable)
     * @throws ConnectionClosedException if the connection ended before the message's last part
     * @throws java.io.InterruptedIOException if interrupted while waiting (nothing is lost)
     * @throws IOException               if this stream was closed
     */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            if (!hasBytes()) {
                return -1;
            }
            int n = Math.min(len, part.length - position);
            System.arraycopy(part, position, b, off, n);
            position += n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@return the bytes that can be read without blocking: what is left of the part received last}
     * Never blocks.
     *
     * @throws IOException if this stream was closed
     */
    @Override
    public int available() throws IOException {
        lock.lock();
        try {
            requireOpen();
            return part.length - position;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes sure unread bytes are at hand, waiting for the next part if need be (parts may be
     * empty). {@return false} at the end of the message.
     */
    private boolean hasBytes() throws IOException {
        requireOpen();
        while (position == part.length) {
            if (last) {
                return false;
            }
            StreamPart next = source.nextStreamPart();
            part = next.bytes();
            position = 0;
            last = next.last();
            requireOpen(); // close() from another thread while this read waited
        }
        return true;
    }

    private void requireOpen() throws IOException {
        if (closed) {
            throw new IOException("This MessageStream is closed");
        }
    }

    /**
     * Closes the stream. If its final part has not been read, what had arrived of the message and
     * the rest of it are discarded, and the next read on the socket starts with the message after
     * it. Does nothing if closed already. Never blocks: called from another thread while a read of
     * this stream waits, it returns at once and that read throws {@link IOException} ("closed").
     */
    @Override
    public void close() {
        if (!lock.tryLock()) { // another thread is reading this stream
            closed = true;
            source.abandonStream(id);
            return;
        }
        try {
            if (closed) {
                return;
            }
            closed = true;
            part = null;
            if (!last) {
                source.abandonStream(id);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "MessageStream[" + type + "]";
    }
}
