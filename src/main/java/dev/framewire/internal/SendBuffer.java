package dev.framewire.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What {@link BinarySendStream} and {@link TextSendWriter} share: a buffer of one fragment that
 * goes out as a non-final frame when it is full or flushed, a final frame on close, a lock that
 * serializes writers, and close-once. The array itself (bytes or chars) belongs to the stream;
 * this class counts what is in it and decides when it is sent.
 */
final class SendBuffer {

    /** Sends the first {@code length} elements of the stream's array as one frame. */
    @FunctionalInterface
    interface FrameSender {
        void send(int length, boolean last) throws IOException;
    }

    /** Copies {@code n} elements, from {@code from} in the caller's data to {@code to} in the stream's array. */
    @FunctionalInterface
    interface Copy {
        void copy(int from, int to, int n);
    }

    private final int capacity;
    private final FrameSender frames;
    private final Runnable replaceArray;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private int buffered;   // guarded by lock
    private boolean closed; // guarded by lock

    /**
     * @param capacity     the length of the stream's array: one fragment
     * @param frames       sends a frame from the stream's array
     * @param replaceArray gives the stream a fresh array: after an interrupted send the JDK still
     *                     reads the old one in the background
     * @param name         how messages name the stream
     */
    SendBuffer(int capacity, FrameSender frames, Runnable replaceArray, String name) {
        this.capacity = capacity;
        this.frames = frames;
        this.replaceArray = replaceArray;
        this.name = name;
    }

    /** Buffers {@code length} elements of the caller's data, sending a frame each time the buffer fills. */
    void write(int length, Copy copy) throws IOException {
        lock.lock();
        try {
            requireOpen();
            for (int done = 0; done < length; ) {
                int n = Math.min(length - done, capacity - buffered);
                copy.copy(done, buffered, n);
                buffered += n;
                done += n;
                if (buffered == capacity) {
                    send(false);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends what is buffered as a non-final frame; sends nothing if nothing is buffered. */
    void flush() throws IOException {
        lock.lock();
        try {
            requireOpen();
            if (buffered > 0) {
                send(false);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends the final frame with what is buffered; does nothing if closed already. */
    void close() throws IOException {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                send(true);
            }
        } finally {
            lock.unlock();
        }
    }

    private void send(boolean last) throws IOException {
        int length = buffered;
        buffered = 0;
        try {
            frames.send(length, last);
        } catch (InterruptedIOException stillSending) {
            replaceArray.run();
            throw stillSending;
        }
    }

    private void requireOpen() throws IOException {
        if (closed) {
            throw new IOException("This " + name + " was closed: its message is complete");
        }
    }
}
