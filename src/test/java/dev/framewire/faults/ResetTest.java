package dev.framewire.faults;

import static dev.framewire.testing.Clients.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.ConnectionClosedException;
import dev.framewire.FrameSocket;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The path resets the connection: every packet from the client is answered with a TCP RST (see
 * {@link Firewall#reset}). Against the scripted server in the servers' namespace,
 * between messages and in the middle of a large one.
 */
@Tag("faults")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ResetTest {

    private static final String FAULT = "reset (RST to the client's packets)";
    /** A reset is noticed as soon as the client sends a packet; this only catches a hang. */
    private static final Duration PROMPTLY = Duration.ofSeconds(3);
    private static final int COUNT = 20;
    private static final int SIZE = 1000;
    private static final int BIG = 8 << 20;

    private static FaultLab lab;
    private static Firewall firewall;

    @BeforeAll
    static void startServers() throws Exception {
        lab = FaultLab.start();
        firewall = Firewall.forPort(lab.namespace(), lab.server().scriptedPort());
    }

    @AfterEach
    void healThePath() {
        if (firewall != null) {
            firewall.heal();
        }
    }

    @AfterAll
    static void stopServers() {
        if (lab != null) {
            lab.close();
        }
    }

    private static FrameSocket connect(String script) throws Exception {
        FrameSocket ws = FrameSocket.newBuilder().closeTimeout(Duration.ofMillis(500))
                .connect(lab.server().scriptedUri(script));
        ws.sendText("go");
        return ws;
    }

    @Test
    void betweenMessagesEveryMessageThatArrivedIsReadThen1006() throws Exception {
        try (FrameSocket ws = connect("/numbered?count=" + COUNT + "&size=" + SIZE)) {
            // Twenty 1000-byte messages arrive in well under a millisecond; none is read yet.
            Thread.sleep(500);
            long start = firewall.reset();
            // The client's next packet draws the RST. A Ping is the least a client sends.
            try {
                ws.sendPing("anyone there?");
            } catch (ConnectionClosedException alreadyEnded) {
                // The RST may win the race with the send's completion; the reads below tell.
            }
            while (ws.isOpen()) {
                assertTrue(FaultResults.since(start).compareTo(PROMPTLY) < 0, "the reset was not noticed");
                Thread.sleep(1);
            }
            long detected = System.nanoTime();
            for (int seq = 0; seq < COUNT; seq++) {
                assertEquals(Payloads.text(seq, SIZE), ws.readMessage(WAIT).text(), "message " + seq);
            }
            ConnectionClosedException closed = assertThrows(ConnectionClosedException.class, () -> ws.readMessage(WAIT));
            assertEquals(1006, closed.closeStatus().code());
            assertFalse(closed.initiatedLocally(), "the network ended it, not this side");
            assertEquals(1006, ws.closeStatus().orElseThrow().code());
            assertThrows(ConnectionClosedException.class, () -> ws.sendText("after the reset"));
            FaultResults.record(FAULT, "between messages; a Ping draws the RST",
                    "all " + COUNT + " messages that had arrived read, then ConnectionClosedException 1006 (cause: "
                            + closed.getCause() + ")", Duration.ofNanos(detected - start));
        }
    }

    @Test
    void midMessageTheFramesBeforeAreReturnedTheCutMessageIsNot() throws Exception {
        // 8 MiB in 16 KiB frames, one every 10 ms: about 5 s of streaming, cut after about 1 s.
        String script = "/big?before=5&size=" + BIG + "&fragment=16384&pauseMs=10";
        byte[] big = Payloads.binary(5, BIG);
        try (FrameSocket byFrame = connect(script); FrameSocket byMessage = connect(script)) {
            for (int seq = 0; seq < 5; seq++) {
                assertEquals(Payloads.text(seq, 1000), byFrame.readMessage(WAIT).text());
                assertEquals(Payloads.text(seq, 1000), byMessage.readMessage(WAIT).text());
            }
            PartialMessageReader frames = new PartialMessageReader("reset-frames", byFrame, big, true).start();
            PartialMessageReader whole = new PartialMessageReader("reset-message", byMessage, big, false).start();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (frames.bytes() < (1 << 20)) {
                assertTrue(System.nanoTime() < deadline, "the large message does not arrive");
                Thread.sleep(5);
            }
            long start = firewall.reset();
            ConnectionClosedException framesEnd = frames.awaitEnd(WAIT);
            frames.assertAnExactPrefix();
            ConnectionClosedException wholeEnd = whole.awaitEnd(WAIT);
            assertNotNull(framesEnd);
            assertNotNull(wholeEnd);
            assertEquals(1006, framesEnd.closeStatus().code());
            assertEquals(1006, wholeEnd.closeStatus().code());
            Duration framesDetection = Duration.ofNanos(frames.endedAt() - start);
            Duration wholeDetection = Duration.ofNanos(whole.endedAt() - start);
            assertTrue(framesDetection.compareTo(PROMPTLY) < 0, "readFrame noticed after " + framesDetection);
            assertTrue(wholeDetection.compareTo(PROMPTLY) < 0, "readMessage noticed after " + wholeDetection);
            assertThrows(ConnectionClosedException.class, () -> byMessage.readMessage(WAIT));
            FaultResults.record(FAULT, "mid-message (8 MiB binary, streaming); readFrame",
                    "5 messages, then " + frames.bytes() / 1024 + " KiB of the cut message as exact frames, never final; "
                            + "then ConnectionClosedException 1006", framesDetection);
            FaultResults.record(FAULT, "mid-message (8 MiB binary, streaming); readMessage",
                    "5 messages, then ConnectionClosedException 1006; the cut message never returned", wholeDetection);
        }
    }
}
