package dev.framewire.reliability;

import static dev.framewire.testing.Clients.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.framewire.ConnectionClosedException;
import dev.framewire.FrameSocket;
import dev.framewire.MessageTooLargeException;
import dev.framewire.SendTimeoutException;
import dev.framewire.internal.Durations;
import dev.framewire.testkit.ScriptedServer;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Builder.sendTimeout}: against a server that completes the handshake and then never reads
 * again, TCP's windows fill, a send stops completing, and the send timeout aborts the connection.
 * Without a send timeout, a blocked send still wakes when its thread is interrupted.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SendTimeoutTest {

    private static final Duration SEND_TIMEOUT = Duration.ofMillis(500);
    /** Loopback TCP buffers hold a few MiB at most; this many MiB can never all be written. */
    private static final int MAX_SENDS = 256;
    private static final int MIB = 1 << 20;

    private final CountDownLatch testDone = new CountDownLatch(1);
    private ScriptedServer notReading;

    @BeforeEach
    void startAServerThatStopsReading() throws Exception {
        // After the 101 the script never reads: the client's bytes pile up in the kernel until
        // the windows are full. It holds the connection open until the test is over.
        notReading = ScriptedServer.start(c -> {
            if (c.requestTarget().equals("/oversized")) {
                c.sendText("x".repeat(2000));
            }
            testDone.await(1, TimeUnit.MINUTES);
        });
    }

    @AfterEach
    void stopServer() {
        testDone.countDown();
        notReading.close();
    }

    private static FrameSocket.Builder client() {
        return FrameSocket.newBuilder().closeTimeout(Duration.ofMillis(200));
    }

    @Test
    void aSendThePeerDoesNotReadTimesOutAbortsTheConnectionAndEverythingAfterReportsTheEnd() throws Exception {
        try (FrameSocket ws = client().sendTimeout(SEND_TIMEOUT).connect(notReading.uri())) {
            ByteBuffer mebibyte = ByteBuffer.allocate(MIB);
            SendTimeoutException timedOut = null;
            int sent = 0;
            long start = System.nanoTime();
            long lastStart = start;
            while (timedOut == null) {
                if (sent == MAX_SENDS) {
                    fail(MAX_SENDS + " MiB were written to a server that does not read");
                }
                lastStart = System.nanoTime();
                try {
                    ws.sendBinary(mebibyte.clear());
                    sent++;
                } catch (SendTimeoutException e) {
                    timedOut = e;
                }
            }
            long end = System.nanoTime();
            Duration lastSend = Duration.ofNanos(end - lastStart);
            System.out.println("send timed out after " + sent + " MiB had been written; the stuck send took "
                    + lastSend.toMillis() + " ms, all sends " + (end - start) / 1_000_000 + " ms");

            assertEquals(SEND_TIMEOUT, timedOut.timeout());
            String message = timedOut.getMessage();
            assertTrue(message.contains("did not complete within " + Durations.format(SEND_TIMEOUT)), message);
            assertTrue(message.contains("aborted"), message);
            assertTrue(lastSend.compareTo(SEND_TIMEOUT) >= 0, "the send gave up early: " + lastSend);
            assertTrue(lastSend.compareTo(SEND_TIMEOUT.plus(WAIT)) < 0, "the send gave up late: " + lastSend);
            assertTrue(Duration.ofNanos(end - start).compareTo(WAIT.plus(WAIT)) < 0, "sends ran for " + (end - start) / 1_000_000 + " ms");

            assertFalse(ws.isOpen());
            assertEquals(1006, ws.closeStatus().orElseThrow().code());
            assertThrows(ConnectionClosedException.class, () -> ws.sendBinary(mebibyte.clear()));
            assertThrows(ConnectionClosedException.class, () -> ws.sendText("after the abort"));
            assertThrows(ConnectionClosedException.class, () -> ws.sendPing("after the abort"));
            ConnectionClosedException read = assertThrows(ConnectionClosedException.class, () -> ws.readFrame(WAIT));
            assertEquals(1006, read.closeStatus().code());
            assertThrows(ConnectionClosedException.class, () -> ws.readMessage(WAIT));
        }
    }

    @Test
    void withASendTimeoutASecondSenderWaitingBehindAStuckSendEndsToo() throws Exception {
        try (FrameSocket ws = client().sendTimeout(SEND_TIMEOUT).connect(notReading.uri())) {
            AtomicReference<Throwable> first = new AtomicReference<>();
            AtomicReference<Throwable> second = new AtomicReference<>();
            Thread stuck = sender(ws, 64 * MIB, first);
            stuck.start();
            awaitBlocked(stuck);
            Thread behind = sender(ws, 1, second);
            behind.start();
            stuck.join(WAIT.toMillis());
            behind.join(WAIT.toMillis());
            assertFalse(stuck.isAlive(), "the stuck send never ended");
            assertFalse(behind.isAlive(), "the send waiting behind it never ended");

            // Whichever deadline runs out first aborts the connection; the other send then finds
            // it ended. (The second sender's deadline can be first: it started waiting while the
            // JDK was still taking the 64 MiB from the first.)
            Throwable a = first.get();
            Throwable b = second.get();
            assertTrue(a instanceof SendTimeoutException || a instanceof ConnectionClosedException, "first: " + a);
            assertTrue(b instanceof SendTimeoutException || b instanceof ConnectionClosedException, "second: " + b);
            assertTrue(a instanceof SendTimeoutException || b instanceof SendTimeoutException,
                    "one of them timed out: " + a + ", " + b);
            assertFalse(ws.isOpen());
            assertEquals(1006, ws.closeStatus().orElseThrow().code());
        }
    }

    @Test
    void withoutASendTimeoutABlockedSendWakesOnInterruptAndAbortUnblocksTheConnection() throws Exception {
        try (FrameSocket ws = client().connect(notReading.uri())) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread stuck = sender(ws, 64 * MIB, thrown);
            stuck.start();
            awaitBlocked(stuck);
            stuck.interrupt();
            stuck.join(WAIT.toMillis());
            assertFalse(stuck.isAlive(), "the interrupted send did not wake up");
            InterruptedIOException interrupted = assertInstanceOf(InterruptedIOException.class, thrown.get());
            assertTrue(interrupted.getMessage().contains("goes on in the background"), interrupted.getMessage());
            // As documented: the JDK still holds the frame; the connection is not ended by it.
            assertTrue(ws.isOpen());

            // Only abort() ends a send that can never complete; it must then end the connection.
            ws.abort();
            assertFalse(ws.isOpen());
            assertEquals(1006, ws.closeStatus().orElseThrow().code());
            assertThrows(ConnectionClosedException.class, () -> ws.sendText("after the abort"));
            assertThrows(ConnectionClosedException.class, () -> ws.readFrame(WAIT));
        }
    }

    /**
     * {@code close()} promises a bounded wait. With the peer not reading, its Close cannot be
     * written either; without a send timeout nothing else bounds that write.
     */
    @Test
    void closeReturnsWithinItsTimeoutWhileASendIsStuckWithoutASendTimeout() throws Exception {
        FrameSocket ws = client().connect(notReading.uri());
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread stuck = sender(ws, 64 * MIB, thrown);
        stuck.start();
        awaitBlocked(stuck);

        Thread closer = new Thread(ws::close, "closer");
        long start = System.nanoTime();
        closer.start();
        closer.join(WAIT.toMillis());
        boolean hung = closer.isAlive();
        if (hung) {
            ws.abort(); // free the threads before failing
            closer.join(WAIT.toMillis());
        }
        stuck.join(WAIT.toMillis());
        assertFalse(hung, "close() did not return within " + WAIT + " (close timeout 200 ms)");
        System.out.println("close() with a stuck send returned after " + (System.nanoTime() - start) / 1_000_000 + " ms");
        assertFalse(stuck.isAlive(), "the stuck send did not end when close() aborted the connection");
        assertInstanceOf(ConnectionClosedException.class, thrown.get());
        assertFalse(ws.isOpen());
        assertEquals(1006, ws.closeStatus().orElseThrow().code());
    }

    /**
     * A message over maxMessageSize makes readMessage start a Close 1008; with the peer not
     * reading, that Close cannot be written, and the reader must still get its exception.
     */
    @Test
    void readMessageReportsAnOversizedMessageWhileASendIsStuckWithoutASendTimeout() throws Exception {
        try (FrameSocket ws = client().maxMessageSize(1000).connect(notReading.uri().resolve("/oversized"))) {
            AtomicReference<Throwable> sendFailure = new AtomicReference<>();
            Thread stuck = sender(ws, 64 * MIB, sendFailure);
            stuck.start();
            awaitBlocked(stuck);

            AtomicReference<Throwable> readFailure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    readFailure.set(new AssertionError("readMessage returned " + ws.readMessage(WAIT)));
                } catch (Throwable t) {
                    readFailure.set(t);
                }
            }, "reader");
            reader.setDaemon(true);
            reader.start();
            reader.join(WAIT.plus(WAIT).toMillis());
            boolean hung = reader.isAlive();
            ws.abort(); // frees the stuck sender, and the reader if it hung
            reader.join(WAIT.toMillis());
            stuck.join(WAIT.toMillis());
            assertFalse(hung, "readMessage did not return: it waits for its Close 1008 to be written");
            MessageTooLargeException tooLarge = assertInstanceOf(MessageTooLargeException.class, readFailure.get());
            assertEquals(1000, tooLarge.limit());
        }
    }

    /** A thread that sends one binary message of {@code bytes} and records what it threw. */
    private static Thread sender(FrameSocket ws, int bytes, AtomicReference<Throwable> thrown) {
        Thread thread = new Thread(() -> {
            try {
                ws.sendBinary(ByteBuffer.allocate(bytes));
                thrown.set(new AssertionError("a send of " + bytes + " bytes completed against a server that does not read"));
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "sender-" + bytes);
        thread.setDaemon(true);
        return thread;
    }

    /** Waits until the thread is parked: a 64 MiB send to a peer that does not read cannot complete. */
    private static void awaitBlocked(Thread thread) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
            if (!thread.isAlive() || System.nanoTime() > deadline) {
                fail("the sender never blocked: " + thread.getState());
            }
            Thread.onSpinWait();
        }
    }
}
