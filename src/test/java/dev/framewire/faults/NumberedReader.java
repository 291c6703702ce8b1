package dev.framewire.faults;

import dev.framewire.FrameSocket;
import dev.framewire.Message;
import dev.framewire.ReadTimeoutException;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the numbered text messages of {@code /numbered} (see {@link FaultServerMain}) until the
 * connection ends, and checks each one: the next number, the exact content. A message lost,
 * duplicated, reordered or damaged fails the reader. Read timeouts are counted (the first one's
 * time kept) and reading goes on, so a connection that recovers is seen recovering.
 */
final class NumberedReader extends ReaderThread {

    private final FrameSocket ws;
    private final int size;
    private final Duration readTimeout;
    private final AtomicLong received = new AtomicLong();
    private volatile long firstTimeoutAt;

    /**
     * @param readTimeout the timeout of each read, or {@code null} to read without one
     */
    NumberedReader(String name, FrameSocket ws, int size, Duration readTimeout) {
        super(name);
        this.ws = ws;
        this.size = size;
        this.readTimeout = readTimeout;
    }

    NumberedReader start() {
        startThread();
        return this;
    }

    @Override
    void read() throws Exception {
        while (true) {
            Message message;
            try {
                message = readTimeout == null ? ws.readMessage() : ws.readMessage(readTimeout);
            } catch (ReadTimeoutException e) {
                if (firstTimeoutAt == 0) {
                    firstTimeoutAt = System.nanoTime();
                }
                continue;
            }
            long expected = received.get();
            String text = message.text();
            if (!text.equals(Payloads.text(expected, size))) {
                throw new AssertionError("expected message " + expected + ", got " + describe(text));
            }
            received.incrementAndGet();
        }
    }

    @Override
    String progress() {
        return received.get() + " good messages";
    }

    private String describe(String text) {
        long seq = Payloads.seqOf(text);
        if (seq < 0) {
            return "a message without a number (" + text.length() + " chars)";
        }
        return "message " + seq + (text.equals(Payloads.text(seq, size)) ? "" : ", damaged")
                + (seq < received.get() ? " (duplicated or reordered)" : " (messages lost)");
    }

    /** How many messages arrived, in order and intact. */
    long received() {
        return received.get();
    }

    /** Waits until at least {@code count} messages arrived, or fails after {@code timeout}. */
    void awaitReceived(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.get() < count) {
            assertHealthy();
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name() + ": only " + received.get() + " of " + count
                        + " messages within " + timeout);
            }
            Thread.sleep(5);
        }
    }

    /** Waits until the first read timed out; returns when that was (a {@code System.nanoTime()}). */
    long awaitFirstTimeout(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (firstTimeoutAt == 0) {
            assertHealthy();
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name() + ": no read timed out within " + timeout);
            }
            Thread.sleep(5);
        }
        return firstTimeoutAt;
    }
}
