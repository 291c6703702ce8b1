package dev.framewire.testkit;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What the client sent on one connection, frame by frame, in order: each {@link #next} returns the
 * next frame it sent, and the {@code expect} methods read and judge the next frames in one line.
 * Thread safe: the script and the test may both read, one frame at a time each.
 *
 * <p>The server reads from the socket only when asked: a connection whose frames nobody reads is a
 * server that does not read, and the client's sends meet TCP back-pressure once the socket buffers
 * are full. {@link #stopReading()} makes every read wait (also an echo's), until
 * {@link #resumeReading()}.
 *
 * <p>Reads give up after their timeout with a {@link SocketTimeoutException}, so a client that
 * never sends fails its test instead of hanging it; one that timed out in the middle of a frame
 * leaves the connection good only for closing. The end of the connection reads as an
 * {@link EOFException} (FIN) or a {@link SocketException} (reset). A client frame that is not
 * masked fails the read with an {@link AssertionError} (RFC 6455, section 5.1), unless the server
 * was built with {@link ScriptedServer.Builder#allowUnmaskedFrames()}.
 */
public final class ReceivedFrames {

    /** How long reads without an explicit timeout wait. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final InputStream in;
    private final FrameReader reader;
    private final boolean requireMasked;
    private final ReentrantLock reading = new ReentrantLock();
    private final ReentrantLock gate = new ReentrantLock();
    private final Condition resumed = gate.newCondition();
    private boolean stopped; // guarded by gate
    private volatile int framesRead;
    private volatile ClientFrame firstUnmasked;
    private volatile IOException end;

    ReceivedFrames(Socket socket, InputStream in, boolean requireMasked) {
        this.socket = socket;
        this.in = in;
        this.reader = new FrameReader(in);
        this.requireMasked = requireMasked;
    }

    /**
     * {@return the next frame the client sent, waiting up to {@link #DEFAULT_TIMEOUT}}; see {@link #next(Duration)}
     * @throws IOException if nothing came in time or the connection ended; see {@link #next(Duration)}
     */
    public ClientFrame next() throws IOException {
        return next(DEFAULT_TIMEOUT);
    }

    /**
     * Reads the next frame the client sent, unmasked.
     *
     * @param timeout the longest wait, also while reading is stopped
     * @return the frame
     * @throws SocketTimeoutException if no whole frame arrived within {@code timeout}
     * @throws EOFException if the client closed the connection (FIN) before another frame
     * @throws SocketException if the connection was reset
     * @throws InterruptedIOException if the thread was interrupted while waiting
     * @throws AssertionError if the frame was not masked (unless the server allows that)
     */
    public ClientFrame next(Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        lock(reading, deadline, timeout);
        try {
            awaitGate(deadline, timeout);
            if (end != null) {
                throw ended();
            }
            socket.setSoTimeout(millis(deadline));
            ClientFrame frame;
            try {
                frame = reader.read();
            } catch (SocketTimeoutException e) {
                throw timeout("no frame from the client within " + timeout + " (" + framesRead + " read so far)", e);
            } catch (EOFException | SocketException e) {
                end = e;
                throw e;
            }
            if (frame == null) {
                end = new EOFException("the client closed the connection (FIN) after " + framesRead + " frames");
                throw ended();
            }
            framesRead++;
            if (!frame.masked() && firstUnmasked == null) {
                firstUnmasked = frame;
            }
            if (requireMasked && !frame.masked()) {
                throw new AssertionError("the client sent an unmasked frame, which RFC 6455, section 5.1 forbids: " + frame);
            }
            return frame;
        } finally {
            reading.unlock();
        }
    }

    /**
     * {@return the next frame with {@code opcode}, within {@link #DEFAULT_TIMEOUT}}; see {@link #nextOf(int, Duration)}
     * @param opcode the opcode wanted
     * @throws IOException if nothing came in time or the connection ended; see {@link #next(Duration)}
     */
    public ClientFrame nextOf(int opcode) throws IOException {
        return nextOf(opcode, DEFAULT_TIMEOUT);
    }

    /**
     * Reads frames until one has {@code opcode} and returns it, discarding the others, for example
     * the Pongs a client sends while the script waits for its Close.
     *
     * @param timeout the longest wait for all of them together
     * @throws SocketTimeoutException if none came within {@code timeout}
     * @param opcode the opcode wanted
     * @return the first frame with {@code opcode}
     */
    public ClientFrame nextOf(int opcode, Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        while (true) {
            ClientFrame frame = next(remaining(deadline, () -> "no " + Opcodes.name(opcode) + " frame from the client within " + timeout));
            if (frame.opcode() == opcode) {
                return frame;
            }
        }
    }

    /**
     * {@return the client's next data message, within {@link #DEFAULT_TIMEOUT}}; see {@link #nextMessage(Duration)}
     * @throws IOException if nothing came in time or the connection ended; see {@link #next(Duration)}
     */
    public ClientMessage nextMessage() throws IOException {
        return nextMessage(DEFAULT_TIMEOUT);
    }

    /**
     * Reads the client's next data message: its frames up to the one with FIN, with the control
     * frames sent in between kept apart.
     *
     * @param timeout the longest wait for the whole message
     * @throws SocketTimeoutException if the message did not end within {@code timeout}
     * @return the message
     */
    public ClientMessage nextMessage(Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        List<ClientFrame> frames = new ArrayList<>();
        List<ClientFrame> controls = new ArrayList<>();
        while (true) {
            ClientFrame frame = next(remaining(deadline, () -> "the client's message did not end within " + timeout
                    + " (" + frames.size() + " frames of it so far)"));
            if (frame.isControl()) {
                controls.add(frame);
                continue;
            }
            frames.add(frame);
            if (frame.fin()) {
                return new ClientMessage(frames, controls);
            }
        }
    }

    /**
     * Reads and discards whatever the client sends until it closes the connection, with FIN or a
     * reset; also the way for a script to keep a connection open while the test works the client.
     *
     * @throws SocketTimeoutException if the connection is still open after {@code timeout}
     * @param timeout the longest wait
     */
    public void awaitEnd(Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        lock(reading, deadline, timeout);
        try {
            awaitGate(deadline, timeout);
            drain(deadline, timeout);
        } finally {
            reading.unlock();
        }
    }

    /** Like {@link #awaitEnd}, ignoring a stopped reader: how the server ends a connection. */
    void drainIgnoringStop(Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        lock(reading, deadline, timeout);
        try {
            drain(deadline, timeout);
        } finally {
            reading.unlock();
        }
    }

    private void drain(long deadline, Duration timeout) throws IOException {
        if (end != null) {
            return;
        }
        byte[] discard = new byte[8192];
        try {
            while (true) {
                socket.setSoTimeout(millis(deadline));
                if (in.read(discard) == -1) {
                    end = new EOFException("the client closed the connection (FIN) after " + framesRead + " frames");
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            throw timeout("the client did not close the connection within " + timeout, e);
        } catch (SocketException e) {
            end = e; // a reset: the client is gone all the same
        }
    }

    /**
     * Makes every read wait, from now on, until {@link #resumeReading()}: the client's sends then
     * fill the socket buffers and block (at most one read already under way still completes).
     */
    public void stopReading() {
        gate.lock();
        try {
            stopped = true;
        } finally {
            gate.unlock();
        }
    }

    /** Lets reads go on again after {@link #stopReading()}. */
    public void resumeReading() {
        gate.lock();
        try {
            stopped = false;
            resumed.signalAll();
        } finally {
            gate.unlock();
        }
    }

    /**
     * {@return how many frames have been read so far}
     */
    public int framesRead() {
        return framesRead;
    }

    // ------------------------------------------------------------------ assertions

    /**
     * Reads the next frame, skipping the client's Pongs, and asserts it is a Close with {@code code}.
     *
     * @return the Close, for a look at its reason
     * @throws AssertionError if another frame came first, or a Close with another code
     * @param code the close code expected
     * @throws IOException if nothing came in time or the connection ended; see {@link #next(Duration)}
     */
    public ClientFrame expectClose(int code) throws IOException {
        ClientFrame frame = nextSkippingPongs();
        if (frame.opcode() != WireFrame.CLOSE || frame.closeCode() != code) {
            throw new AssertionError("expected the client's Close with " + code + ", got " + frame);
        }
        return frame;
    }

    /**
     * Asserts the client failed the connection with {@code code}, as RFC 6455, section 7.1.7 says:
     * a Close with that code (Pongs before it skipped) and then the end of TCP, or the end of TCP
     * alone, which the section allows and some clients (the JDK's, in about a quarter of its
     * failures) do when they close the socket before their Close is written.
     *
     * @param code the close code the client must fail the connection with, if it sends a Close
     * @return whether the client sent a Close before ending the connection
     * @throws AssertionError if another frame came, a Close with another code, or a frame after the Close
     * @throws IOException if the connection did not end within {@link #DEFAULT_TIMEOUT}
     */
    public boolean expectFailed(int code) throws IOException {
        ClientFrame frame;
        try {
            frame = nextSkippingPongs();
        } catch (EOFException | SocketException ended) {
            return false;
        }
        if (frame.opcode() != WireFrame.CLOSE || frame.closeCode() != code) {
            throw new AssertionError("expected the client to fail the connection with " + code + ", got " + frame);
        }
        try {
            ClientFrame extra = next();
            throw new AssertionError("the client sent " + extra + " after its Close");
        } catch (EOFException | SocketException ended) {
            return true;
        }
    }

    /**
     * Reads the next frame and asserts it is a Pong with {@code payload}: the client answered the
     * Ping that carried it.
     *
     * @throws AssertionError if another frame came first, or a Pong with another payload
     * @param payload the payload of the Ping it answers
     * @return the Pong
     * @throws IOException if nothing came in time or the connection ended; see {@link #next(Duration)}
     */
    public ClientFrame expectPong(byte[] payload) throws IOException {
        ClientFrame frame = next();
        if (frame.opcode() != WireFrame.PONG || !Arrays.equals(frame.payload(), payload)) {
            throw new AssertionError("expected a Pong with the Ping's payload " + Opcodes.describe(WireFrame.PONG, payload)
                    + ", got " + frame);
        }
        return frame;
    }

    /**
     * Asserts the next frame is a Pong with {@code payload} in UTF-8; see {@link #expectPong(byte[])}.
     * @param payload the payload of the Ping it answers
     * @return the Pong
     * @throws IOException if nothing came in time or the connection ended; see {@link #next(Duration)}
     */
    public ClientFrame expectPong(String payload) throws IOException {
        return expectPong(WireFrame.utf8(payload));
    }

    /**
     * Reads the next data message (control frames among its frames are allowed) and asserts it is
     * text equal to {@code text}, however it was fragmented.
     *
     * @throws AssertionError if it is binary or another text
     * @param text the text expected
     * @return the message
     * @throws IOException if nothing came in time or the connection ended; see {@link #next(Duration)}
     */
    public ClientMessage expectText(String text) throws IOException {
        ClientMessage message = nextMessage();
        if (message.opcode() != WireFrame.TEXT || !message.text().equals(text)) {
            throw new AssertionError("expected the text message \"" + text + "\", got " + describe(message));
        }
        return message;
    }

    /**
     * Reads the next data message and asserts it is binary and exactly {@code data}.
     *
     * @throws AssertionError if it is text or other bytes
     * @param data the bytes expected
     * @return the message
     * @throws IOException if nothing came in time or the connection ended; see {@link #next(Duration)}
     */
    public ClientMessage expectBinary(byte[] data) throws IOException {
        ClientMessage message = nextMessage();
        if (message.opcode() != WireFrame.BINARY || !Arrays.equals(message.bytes(), data)) {
            throw new AssertionError("expected a binary message of " + data.length + " bytes, got " + describe(message)
                    + firstDifference(data, message.bytes()));
        }
        return message;
    }

    /**
     * Reads the next data message and asserts the client split it as asked: a text message whose
     * frames carry exactly these texts, in order.
     *
     * @throws AssertionError if the message is binary, or its frames carry other texts
     * @param fragments the text of every frame, in order
     * @return the message
     * @throws IOException if nothing came in time or the connection ended; see {@link #next(Duration)}
     */
    public ClientMessage expectTextFragments(String... fragments) throws IOException {
        ClientMessage message = nextMessage();
        List<String> got = message.frames().stream().map(ClientFrame::text).toList();
        if (message.opcode() != WireFrame.TEXT || !got.equals(List.of(fragments))) {
            throw new AssertionError("expected a text message in the fragments " + quoted(List.of(fragments))
                    + ", got " + describe(message));
        }
        return message;
    }

    /**
     * Reads the next data message and asserts the client split it as asked: a binary message whose
     * frames have exactly these payload sizes, in order.
     *
     * @throws AssertionError if the message is text, or its frames have other sizes
     * @param sizes the payload size of every frame, in order
     * @return the message
     * @throws IOException if nothing came in time or the connection ended; see {@link #next(Duration)}
     */
    public ClientMessage expectBinaryFragmentSizes(int... sizes) throws IOException {
        ClientMessage message = nextMessage();
        List<Integer> want = Arrays.stream(sizes).boxed().toList();
        if (message.opcode() != WireFrame.BINARY || !message.fragmentSizes().equals(want)) {
            throw new AssertionError("expected a binary message in fragments of " + want + " bytes, got " + describe(message));
        }
        return message;
    }

    /**
     * Asserts that every frame read so far was masked; reads nothing. Only useful on a server
     * built with {@link ScriptedServer.Builder#allowUnmaskedFrames()}: otherwise an unmasked
     * frame has already failed its read.
     *
     * @throws AssertionError naming the first unmasked frame
     */
    public void expectEveryFrameMasked() {
        ClientFrame unmasked = firstUnmasked;
        if (unmasked != null) {
            throw new AssertionError("the client sent an unmasked frame, which RFC 6455, section 5.1 forbids: " + unmasked);
        }
    }

    private ClientFrame nextSkippingPongs() throws IOException {
        long deadline = deadline(DEFAULT_TIMEOUT);
        while (true) {
            ClientFrame frame = next(remaining(deadline, () -> "no frame but Pongs from the client within " + DEFAULT_TIMEOUT));
            if (frame.opcode() != WireFrame.PONG) {
                return frame;
            }
        }
    }

    private static String describe(ClientMessage message) {
        return (message.opcode() == WireFrame.TEXT ? "text" : Opcodes.name(message.opcode()))
                + " in " + message.frames().size() + " frames: " + message.frames();
    }

    private static String quoted(List<String> texts) {
        return texts.stream().map(text -> '"' + text + '"').toList().toString();
    }

    private static String firstDifference(byte[] want, byte[] got) {
        int at = Arrays.mismatch(want, got);
        return at < 0 ? "" : " (first difference at byte " + at + ")";
    }

    // ------------------------------------------------------------------ waiting

    private IOException ended() {
        IOException cause = end;
        IOException again = cause instanceof SocketException
                ? new SocketException("the connection was reset: " + cause.getMessage())
                : new EOFException(cause.getMessage());
        again.initCause(cause);
        return again;
    }

    private void awaitGate(long deadline, Duration timeout) throws IOException {
        gate.lock();
        try {
            while (stopped) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw timeout("reading is stopped, and was not resumed within " + timeout, null);
                }
                resumed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading was stopped");
        } finally {
            gate.unlock();
        }
    }

    private static void lock(ReentrantLock lock, long deadline, Duration timeout) throws IOException {
        try {
            if (!lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw timeout("another thread kept reading this connection for " + timeout, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to read");
        }
    }

    static long deadline(Duration timeout) {
        if (Objects.requireNonNull(timeout, "timeout").isNegative()) {
            throw new IllegalArgumentException("a timeout cannot be negative: " + timeout);
        }
        long nanos = timeout.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : timeout.toNanos();
        return System.nanoTime() + nanos;
    }

    private static Duration remaining(long deadline, Supplier<String> message) throws SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw timeout(message.get(), null);
        }
        return Duration.ofNanos(left);
    }

    static SocketTimeoutException timeout(String message, Throwable cause) {
        SocketTimeoutException timeout = new SocketTimeoutException(message);
        timeout.initCause(cause);
        return timeout;
    }

    /** Socket timeouts are whole milliseconds, and 0 means "forever": rounded up to at least 1. */
    static int millis(long deadline) {
        long millis = (deadline - System.nanoTime() + 999_999) / 1_000_000;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
    }
}
