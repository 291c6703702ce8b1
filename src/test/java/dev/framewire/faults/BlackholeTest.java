package dev.framewire.faults;

import static dev.framewire.testing.Clients.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.ConnectionClosedException;
import dev.framewire.FrameSocket;
import dev.framewire.ReadTimeoutException;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The path to the server silently stops delivering, both ways (a NAT or load balancer that forgot
 * the flow): no FIN, no RST, just silence. Each test first exchanges numbered messages with the
 * Jetty echo server in the servers' namespace, then blackholes its port.
 */
@Tag("faults")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BlackholeTest {

    private static final String FAULT = "blackhole both ways";
    private static final int BEFORE = 20;
    private static final int SIZE = 200;
    /** Scheduling on a busy 2-core machine, on top of a bound framewire promises. */
    private static final Duration SLACK = Duration.ofSeconds(1);

    private static FaultLab lab;
    private static Firewall firewall;

    @BeforeAll
    static void startServers() throws Exception {
        lab = FaultLab.start();
        firewall = Firewall.forPort(lab.namespace(), lab.server().echoPort());
    }

    @AfterEach
    void healThePath() {
        if (firewall != null) {
            firewall.heal();
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    /**
     * Sends {@link #BEFORE} numbered messages and gives their echoes time to arrive, without
     * reading them: they are what "nothing read before the fault is lost" is about.
     */
    private static void trafficBeforeTheFault(FrameSocket ws) throws Exception {
        for (int seq = 0; seq < BEFORE; seq++) {
            ws.sendText(Payloads.text(seq, SIZE));
        }
        // Twenty 200-byte echoes over a veth pair take well under a millisecond.
        Thread.sleep(500);
    }

    /** Reads the echoes of {@link #trafficBeforeTheFault}, in order and intact. */
    private static void readTheEchoes(FrameSocket ws) throws Exception {
        for (int seq = 0; seq < BEFORE; seq++) {
            assertEquals(Payloads.text(seq, SIZE), ws.readMessage(WAIT).text(), "echo " + seq);
        }
    }

    @Test
    void aReadWithATimeoutTimesOutAndTheConnectionWorksAgainOnceThePathHeals() throws Exception {
        Duration readTimeout = Duration.ofSeconds(1);
        try (FrameSocket ws = FrameSocket.newBuilder().closeTimeout(Duration.ofSeconds(1)).connect(lab.server().echoUri())) {
            trafficBeforeTheFault(ws);
            long start = firewall.blackhole();
            readTheEchoes(ws);
            ReadTimeoutException timedOut = assertThrows(ReadTimeoutException.class, () -> ws.readMessage(readTimeout));
            Duration detection = FaultResults.since(start);
            assertEquals(readTimeout, timedOut.timeout());
            assertTrue(ws.isOpen(), "a read timeout leaves the connection open");

            // Sent into the blackhole: TCP keeps it and retransmits with back-off.
            ws.sendText(Payloads.text(BEFORE, SIZE));
            Thread.sleep(1500);
            firewall.heal();
            long healed = System.nanoTime();
            assertEquals(Payloads.text(BEFORE, SIZE), ws.readMessage(Duration.ofSeconds(30)).text(),
                    "the message sent during the blackhole is echoed once the path heals");
            Duration recovery = FaultResults.since(healed);
            ws.sendText(Payloads.text(BEFORE + 1, SIZE));
            assertEquals(Payloads.text(BEFORE + 1, SIZE), ws.readMessage(WAIT).text());
            FaultResults.record(FAULT, "no keepalive; readMessage(1 s)",
                    "all " + BEFORE + " echoes read, then ReadTimeoutException, still open; after healing, the message "
                            + "sent into the blackhole was echoed " + recovery.toMillis() + " ms later (TCP retransmission)",
                    detection);
        }
    }

    @Test
    void withKeepAliveABlockedReaderGets1006WithinIntervalPlusTimeout() throws Exception {
        Duration interval = Duration.ofSeconds(1);
        Duration timeout = Duration.ofSeconds(1);
        try (FrameSocket ws = FrameSocket.newBuilder().keepAlive(interval, timeout)
                .closeTimeout(Duration.ofMillis(500)).connect(lab.server().echoUri())) {
            trafficBeforeTheFault(ws);
            long start = firewall.blackhole();
            readTheEchoes(ws);
            // No read timeout: only the keepalive can end this read.
            ConnectionClosedException closed = assertThrows(ConnectionClosedException.class, ws::readMessage);
            Duration detection = FaultResults.since(start);
            assertEquals(1006, closed.closeStatus().code());
            assertTrue(closed.initiatedLocally(), "the keepalive, on this side, ended it");
            assertTrue(String.valueOf(closed.getCause()).toLowerCase().contains("keepalive"), String.valueOf(closed.getCause()));
            assertFalse(ws.isOpen());
            assertTrue(detection.compareTo(interval.plus(timeout).plus(SLACK)) <= 0,
                    "keepalive took " + detection.toMillis() + " ms, more than interval + timeout + slack");
            FaultResults.record(FAULT, "keepAlive(1 s, 1 s); readMessage() without timeout",
                    "all " + BEFORE + " echoes read, then ConnectionClosedException 1006 (keepalive)", detection);
        }
    }

    @Test
    void aSenderWithASendTimeoutGivesUpOnceTheWindowIsFull() throws Exception {
        Duration sendTimeout = Duration.ofSeconds(1);
        try (FrameSocket ws = FrameSocket.newBuilder().sendTimeout(sendTimeout)
                .closeTimeout(Duration.ofMillis(500)).connect(lab.server().echoUri())) {
            trafficBeforeTheFault(ws);
            readTheEchoes(ws);
            long start = firewall.blackhole();
            // 64 KiB at a time, so the count shows how much the kernel took before the window closed.
            SendTimeoutRun run = SendTimeoutRun.sendUntilTimeout(ws, sendTimeout, SLACK);
            FaultResults.record(FAULT, "sendTimeout(1 s); 64 KiB sends", run.outcome(), FaultResults.since(start));
        }
    }

    @Test
    void closeReturnsWithinItsCloseTimeout() throws Exception {
        Duration closeTimeout = Duration.ofSeconds(1);
        FrameSocket ws = FrameSocket.newBuilder().closeTimeout(closeTimeout).connect(lab.server().echoUri());
        try {
            trafficBeforeTheFault(ws);
            readTheEchoes(ws);
            firewall.blackhole();
        } finally {
            long start = System.nanoTime();
            ws.close();
            Duration took = FaultResults.since(start);
            assertFalse(ws.isOpen());
            // The peer's Close cannot arrive: close() waits its whole timeout, then aborts.
            assertTrue(took.compareTo(closeTimeout) >= 0, "close() returned early, before its timeout: " + took);
            assertTrue(took.compareTo(closeTimeout.plus(SLACK)) <= 0, "close() took " + took.toMillis() + " ms");
            assertEquals(1006, ws.closeStatus().orElseThrow().code());
            FaultResults.record(FAULT, "closeTimeout(1 s); close()",
                    "close() returned after " + took.toMillis() + " ms (aborted, 1006)", took);
        }
    }
}
