package dev.framewire.internal.send;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What {@link BinarySendStream} and {@link TextSendWriter} share: a buffer of one fragment that
 * goes out as a non-final frame when it is full or flushed, a final frame on close, a lock that
 * serializes writers, and close-once. The array itself (bytes or chars) belongs to the stream;
 * this class counts what is in it and decides when it is sent.
 *
 * <p>A frame belongs to the JDK once the sender has handed it over ({@link FrameSender}); from
 * then on it goes out whatever the call throws (an interrupt only stops the wait). A frame that
 * was never handed over (a refusal, an interrupt or a timeout while waiting for the data slot)
 * leaves the buffer and the stream as they were: nothing is lost, and the same call can be made
 * again, a refused {@link #close()} included. So an {@link InterruptedIOException} from
 * {@link #write} carries in {@code bytesTransferred} how many elements of that call the stream
 * took (in frames the JDK has or in the buffer): the caller continues with the rest.
 */
final class SendBuffer {

    /** Sends frames from the stream's array. */
    @FunctionalInterface
    interface FrameSender {
        /**
         * Sends the first {@code length} elements of the stream's array as one frame, calling
         * {@code handedOver} as soon as the JDK has it (before waiting for the write).
         */
        void send(int length, boolean last, Runnable handedOver) throws IOException;
    }

    /** Copies {@code n} elements, from {@code from} in the caller's data to {@code to} in the stream's array. */
    @FunctionalInterface
    interface Copy {
        void copy(int from, int to, int n);
    }

    /** Does nothing: for a stream whose data needs no check, or a send nobody waits to see handed over. */
    static final Runnable NOTHING = () -> { };

    private final int capacity;
    private final FrameSender frames;
    private final Runnable replaceArray;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Runnable markHandedOver = () -> handedOver = true; // made once: a frame must not allocate
    private int buffered;       // guarded by lock
    private boolean closed;     // guarded by lock
    private boolean handedOver; // guarded by lock: the frame being sent has reached the JDK

    /**
     * @param capacity     the length of the stream's array: one fragment
     * @param frames       sends a frame from the stream's array
     * @param replaceArray gives the stream a fresh array: after a frame the JDK had was interrupted
     *                     or failed, the JDK may still read the old one in the background
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
        write(length, NOTHING, copy);
    }

    /**
     * As {@link #write(int, Copy)}, after {@code check} (run under the lock, before anything is
     * taken) has accepted the call: it throws to refuse it.
     *
     * @throws InterruptedIOException with {@code bytesTransferred} set to the elements of this
     *                                call the stream took before the interrupt
     */
    void write(int length, Runnable check, Copy copy) throws IOException {
        lock.lock();
        int done = 0;
        try {
            requireOpen();
            check.run();
            while (done < length) {
                if (buffered == capacity) { // left full by a frame that never reached the JDK
                    send(false);
                }
                int n = Math.min(length - done, capacity - buffered);
                copy.copy(done, buffered, n);
                buffered += n;
                done += n;
                if (buffered == capacity) {
                    send(false);
                }
            }
        } catch (InterruptedIOException interrupted) {
            interrupted.bytesTransferred = done;
            throw interrupted;
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
                sendTakingNothing(false);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends the final frame with what is buffered; does nothing if closed already. */
    void close() throws IOException {
        close(NOTHING);
    }

    /**
     * As {@link #close()}, after {@code check} (run under the lock) has accepted the end of the
     * message: it throws to refuse it, and the stream stays open.
     */
    void close(Runnable check) throws IOException {
        lock.lock();
        try {
            if (!closed) {
                check.run();
                sendTakingNothing(true);
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@link #send} for a call that brings no data of its own: {@code bytesTransferred} is 0. */
    private void sendTakingNothing(boolean last) throws IOException {
        try {
            send(last);
        } catch (InterruptedIOException interrupted) {
            interrupted.bytesTransferred = 0;
            throw interrupted;
        }
    }

    /**
     * Sends what is buffered. Once the JDK has the frame the buffer is empty (and the stream closed,
     * for the last frame) whatever follows; if the JDK never got it, nothing changes.
     */
    private void send(boolean last) throws IOException {
        handedOver = false;
        try {
            frames.send(buffered, last, markHandedOver);
        } catch (IOException | RuntimeException | Error notWritten) {
            if (handedOver) {
                sent(last);
                replaceArray.run();
            }
            throw notWritten;
        }
        sent(last);
    }

    private void sent(boolean last) {
        buffered = 0;
        closed |= last;
    }

    private void requireOpen() throws IOException {
        if (closed) {
            throw new IOException("This " + name + " was closed: its message is complete");
        }
    }
}
