package dev.framewire.faults;

import static dev.framewire.testing.Clients.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.ConnectionClosedException;
import dev.framewire.FrameSocket;
import dev.framewire.SendTimeoutException;
import dev.framewire.testing.TestThreads;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server process itself fails while it streams to the client: frozen by SIGSTOP (its kernel
 * keeps the connections and ACKs what arrives, but nothing answers), or killed by SIGKILL (its
 * kernel closes the connections at once). Each test gets a server JVM of its own.
 */
@Tag("faults")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServerProcessFaultsTest {

    /** Numbered 200-character messages, one every 5 ms, until the connection ends. */
    private static final String STREAM = "/numbered?count=0&size=200&pauseMs=5";
    private static final int SIZE = 200;
    private static final Duration SLACK = Duration.ofSeconds(1);

    private static FaultLab lab;

    @BeforeAll
    static void makeNamespace() throws Exception {
        lab = FaultLab.start();
    }

    @AfterAll
    static void removeNamespace() {
        if (lab != null) {
            lab.close();
        }
    }

    private static FrameSocket.Builder client() {
        return FrameSocket.newBuilder().closeTimeout(Duration.ofMillis(500));
    }

    private static FrameSocket stream(FrameSocket.Builder builder, ServerProcess server, String script) throws IOException {
        FrameSocket ws = builder.connect(server.scriptedUri(script));
        ws.sendText("go");
        return ws;
    }

    /** How a run of sends ended: the failure (null if all 256 MiB went), and when. */
    private record SendEnd(IOException failure, long at) {
    }

    /** Sends 1 MiB messages until one fails. */
    private static CompletableFuture<SendEnd> sendUntilItFails(FrameSocket ws) {
        return TestThreads.supply("sender", () -> {
            ByteBuffer mebibyte = ByteBuffer.wrap(Payloads.binary(0, 1 << 20));
            for (int i = 0; i < 256; i++) {
                try {
                    ws.sendBinary(mebibyte.clear());
                } catch (IOException e) {
                    return new SendEnd(e, System.nanoTime());
                }
            }
            return new SendEnd(null, System.nanoTime());
        });
    }

    @Test
    void aFrozenServerIsFoundByReadTimeoutKeepaliveAndSendTimeoutAndAReaderRecoversWhenItRunsAgain() throws Exception {
        ServerProcess server = lab.restartServer();
        Duration readTimeout = Duration.ofSeconds(1);
        Duration interval = Duration.ofSeconds(1);
        Duration timeout = Duration.ofSeconds(1);
        Duration sendTimeout = Duration.ofSeconds(1);
        try (FrameSocket plain = stream(client(), server, STREAM);
                FrameSocket keepAlive = stream(client().keepAlive(interval, timeout), server, STREAM);
                FrameSocket sender = client().sendTimeout(sendTimeout).connect(server.scriptedUri("/sink"))) {
            NumberedReader plainReader = new NumberedReader("frozen-plain", plain, SIZE, readTimeout).start();
            NumberedReader keepAliveReader = new NumberedReader("frozen-keepalive", keepAlive, SIZE, null).start();
            plainReader.awaitReceived(50, WAIT);
            keepAliveReader.awaitReceived(50, WAIT);

            long start = System.nanoTime();
            server.freeze();
            CompletableFuture<SendEnd> sending = sendUntilItFails(sender);

            Duration timedOut = Duration.ofNanos(plainReader.awaitFirstTimeout(WAIT) - start);
            ConnectionClosedException keepAliveEnd = keepAliveReader.awaitEnd(WAIT);
            Duration keepAliveDetection = Duration.ofNanos(keepAliveReader.endedAt() - start);
            SendEnd sent = sending.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            IOException sendFailure = sent.failure();
            Duration sendDetection = Duration.ofNanos(sent.at() - start);

            assertTrue(timedOut.compareTo(readTimeout.plus(SLACK)) <= 0, "read timed out after " + timedOut);
            assertTrue(plain.isOpen(), "a read timeout leaves the connection open");
            assertNotNull(keepAliveEnd);
            assertEquals(1006, keepAliveEnd.closeStatus().code());
            assertTrue(keepAliveEnd.initiatedLocally());
            assertTrue(keepAliveDetection.compareTo(interval.plus(timeout).plus(SLACK)) <= 0,
                    "keepalive took " + keepAliveDetection.toMillis() + " ms");
            assertTrue(sendFailure instanceof SendTimeoutException, "send ended with " + sendFailure);
            assertFalse(sender.isOpen());

            // The server runs again: the reader without keepalive goes on where it stopped.
            long before = plainReader.received();
            server.resume();
            plainReader.awaitReceived(before + 50, WAIT);
            plainReader.assertHealthy();

            FaultResults.record("server frozen (SIGSTOP)", "no keepalive; readMessage(1 s)",
                    plainReader.received() + " messages in order; ReadTimeoutException, still open; after SIGCONT "
                            + "the stream went on with the next message", timedOut);
            FaultResults.record("server frozen (SIGSTOP)", "keepAlive(1 s, 1 s); readMessage() without timeout",
                    "every message before the freeze read, then ConnectionClosedException 1006 (keepalive)",
                    keepAliveDetection);
            FaultResults.record("server frozen (SIGSTOP)", "sendTimeout(1 s); 1 MiB sends",
                    "SendTimeoutException once the frozen server's receive window was full; aborted, 1006", sendDetection);
        }
    }

    @Test
    void aKilledServerEndsEveryConnectionPromptlyWith1006() throws Exception {
        ServerProcess server = lab.restartServer();
        String bigScript = "/big?before=3&size=" + (64 << 20) + "&fragment=16384&pauseMs=2";
        byte[] big = Payloads.binary(3, 64 << 20);
        try (FrameSocket numbered = stream(client(), server, STREAM);
                FrameSocket byFrame = stream(client(), server, bigScript);
                FrameSocket byMessage = stream(client(), server, bigScript);
                FrameSocket sender = client().connect(server.scriptedUri("/sink"))) {
            NumberedReader reader = new NumberedReader("killed-numbered", numbered, SIZE, null).start();
            for (int seq = 0; seq < 3; seq++) {
                assertEquals(Payloads.text(seq, 1000), byFrame.readMessage(WAIT).text());
                assertEquals(Payloads.text(seq, 1000), byMessage.readMessage(WAIT).text());
            }
            PartialMessageReader frames = new PartialMessageReader("killed-frames", byFrame, big, true).start();
            PartialMessageReader whole = new PartialMessageReader("killed-message", byMessage, big, false).start();
            reader.awaitReceived(50, WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (frames.bytes() < (512 << 10)) {
                assertTrue(System.nanoTime() < deadline, "the large message does not arrive");
                Thread.sleep(5);
            }
            CompletableFuture<SendEnd> sending = sendUntilItFails(sender);

            long start = System.nanoTime();
            server.kill();

            ConnectionClosedException readerEnd = reader.awaitEnd(WAIT);
            ConnectionClosedException framesEnd = frames.awaitEnd(WAIT);
            frames.assertAnExactPrefix();
            ConnectionClosedException wholeEnd = whole.awaitEnd(WAIT);
            SendEnd sent = sending.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            IOException sendFailure = sent.failure();
            Duration sendDetection = Duration.ofNanos(sent.at() - start);
            for (ConnectionClosedException end : new ConnectionClosedException[] {readerEnd, framesEnd, wholeEnd}) {
                assertNotNull(end);
                assertEquals(1006, end.closeStatus().code());
                assertFalse(end.initiatedLocally(), "the server's end, not this side's");
            }
            assertTrue(sendFailure instanceof ConnectionClosedException, "send ended with " + sendFailure);
            Duration readerDetection = Duration.ofNanos(reader.endedAt() - start);
            Duration framesDetection = Duration.ofNanos(frames.endedAt() - start);
            Duration wholeDetection = Duration.ofNanos(whole.endedAt() - start);
            for (Duration d : new Duration[] {readerDetection, framesDetection, wholeDetection}) {
                assertTrue(d.compareTo(Duration.ofSeconds(3)) < 0, "noticed after " + d.toMillis() + " ms");
            }
            FaultResults.record("server killed (SIGKILL)", "no keepalive, no timeouts; numbered stream, readMessage()",
                    reader.received() + " messages in order, then ConnectionClosedException 1006 (cause: "
                            + readerEnd.getCause() + ")", readerDetection);
            FaultResults.record("server killed (SIGKILL)", "mid-message (64 MiB binary); readFrame",
                    frames.bytes() / 1024 + " KiB of the cut message as exact frames, never final; then 1006",
                    framesDetection);
            FaultResults.record("server killed (SIGKILL)", "mid-message (64 MiB binary); readMessage",
                    "ConnectionClosedException 1006; the cut message never returned", wholeDetection);
            FaultResults.record("server killed (SIGKILL)", "no sendTimeout; 1 MiB sends",
                    "ConnectionClosedException 1006 (cause: " + sendFailure.getCause() + ")", sendDetection);
        }
    }
}
