package dev.framewire.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.FrameSocket;
import dev.framewire.Message;
import dev.framewire.Opcode;
import dev.framewire.ReadTimeoutException;
import dev.framewire.testing.TestThreads;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Packet loss: 5 % and 20 % of the packets each way are dropped while mixed traffic runs through
 * the Jetty echo servers (one port each, so both rates run at the same time and the suite spends
 * the minute once). TCP retransmits; framewire must hand over every message exactly once, in
 * order, intact, and {@code ping(Duration)} keeps measuring round trips.
 *
 * <p>{@code -Dframewire.faults.lossSeconds=N} shortens the run for local iteration; CI runs the
 * full minute.
 */
@Tag("faults")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LossTest {

    private static final int SECONDS = Integer.getInteger("framewire.faults.lossSeconds", 60);
    /** Messages sent but not yet echoed, at most: keeps the echo's backlog (and the drain) short. */
    private static final int IN_FLIGHT = 8;
    private static final int MIB = 1 << 20;
    /**
     * How long the last echoes may take once the path heals: TCP retries at the end of its current
     * back-off, which under 20 % loss reached 18 s in a run; this only catches a hang.
     */
    private static final Duration DRAIN = Duration.ofSeconds(75);

    private static FaultLab lab;

    @BeforeAll
    static void startServers() throws Exception {
        lab = FaultLab.start();
    }

    @AfterAll
    static void stopServers() {
        if (lab != null) {
            lab.close();
        }
    }

    /** What one connection did under loss. */
    private record Outcome(int percent, int messages, long bytes, int fragmented, int mebibytes, List<Duration> rtts,
            int pingTimeouts, Duration elapsed) {
    }

    @Test
    void underFiveAndTwentyPercentLossNoMessageIsLostDuplicatedOrReordered() throws Exception {
        Firewall five = Firewall.forPort(lab.namespace(), lab.server().echoPort());
        Firewall twenty = Firewall.forPort(lab.namespace(), lab.server().echo2Port());
        CompletableFuture<Outcome> atFive = TestThreads.supply("loss-5", () -> run(lab.server().echoUri(), five, 5));
        CompletableFuture<Outcome> atTwenty = TestThreads.supply("loss-20", () -> run(lab.server().echo2Uri(), twenty, 20));
        for (Outcome o : List.of(atFive.get(), atTwenty.get())) {
            List<Duration> rtts = new ArrayList<>(o.rtts());
            rtts.sort(null);
            assertTrue(o.messages() > 0);
            assertTrue(!rtts.isEmpty(), "no ping came back in " + SECONDS + " s");
            String rttSummary = "ping RTT min " + ms(rtts.get(0)) + " / median " + ms(rtts.get(rtts.size() / 2))
                    + " / p90 " + ms(rtts.get(rtts.size() * 9 / 10)) + " / max " + ms(rtts.get(rtts.size() - 1))
                    + " ms (" + rtts.size() + " pings, " + o.pingTimeouts() + " over 10 s)";
            FaultResults.record("loss " + o.percent() + " % each way",
                    SECONDS + " s of mixed traffic: fragmented text, 2 KiB binary, 1 MiB binary, pings",
                    o.messages() + " messages (" + o.fragmented() + " fragmented, " + o.mebibytes() + " of 1 MiB; "
                            + o.bytes() / MIB + " MiB) echoed exactly once, in order, intact; " + rttSummary,
                    null);
        }
    }

    /**
     * Both ends of the connection as the kernels see them, for a failure message: Recv-Q on the
     * client's side that framewire does not read would be framewire's stall; retransmissions and
     * back-off ({@code rto}, {@code backoff}, {@code unacked}) are TCP's.
     */
    private static String sockets(URI uri) {
        String filter = "( dport = :" + uri.getPort() + " or sport = :" + uri.getPort() + " )";
        return "client side, ss -tnie:\n" + Shell.tryRun("ss", "-tnie", filter).output()
                + "\nserver side, ss -tnie:\n"
                + Shell.tryRun(lab.namespace().inside("ss", "-tnie", filter).toArray(String[]::new)).output();
    }

    private static String threadDump() {
        StringBuilder dump = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            dump.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
            for (StackTraceElement frame : stack) {
                dump.append("    at ").append(frame).append('\n');
            }
        });
        return dump.toString();
    }

    private static String ms(Duration d) {
        return String.format("%.1f", d.toNanos() / 1e6);
    }

    /**
     * One connection: connects over the healthy path, switches the loss on, runs the traffic for
     * {@link #SECONDS}, then reads the last echoes and checks every one.
     */
    private static Outcome run(URI uri, Firewall firewall, int percent) {
        // The send timeout only turns a hang into a failure: a reader that died stops the echo
        // server (TCP back-pressure), and the sender would otherwise wait forever.
        try (FrameSocket ws = FrameSocket.newBuilder().closeTimeout(Duration.ofSeconds(2))
                .sendTimeout(Duration.ofSeconds(60)).connect(uri)) {
            firewall.loss(percent);
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(SECONDS);
            Semaphore window = new Semaphore(IN_FLIGHT);
            // How many messages were sent in all: -1 while the sender still runs.
            AtomicInteger sent = new AtomicInteger(-1);
            List<Duration> rtts = new ArrayList<>();
            AtomicInteger pingTimeouts = new AtomicInteger();
            // The path heals when the minute is over, even while a send is stuck in TCP's back-off.
            TestThreads.supply("loss-" + percent + "-healer", () -> {
                try {
                    TimeUnit.NANOSECONDS.sleep(end - System.nanoTime());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                firewall.heal();
                return null;
            });
            CompletableFuture<long[]> reader = TestThreads.supply("loss-" + percent + "-reader", () -> readEchoes(ws, window, sent));
            Thread pinger = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        rtts.add(ws.ping(Duration.ofSeconds(10)));
                        Thread.sleep(250);
                    } catch (ReadTimeoutException e) {
                        pingTimeouts.incrementAndGet();
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "loss-" + percent + "-pinger");
            pinger.start();
            int fragmented = 0;
            int mebibytes = 0;
            int seq = 0;
            try {
                sending:
                for (; System.nanoTime() < end; seq++) {
                    // Under 20 % loss TCP backs off for many seconds at a time (a retransmission
                    // timeout of 18 s was seen), so a wait for the window may outlast the minute.
                    while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        if (reader.isDone()) {
                            reader.join(); // a reader that failed releases no more permits: its failure
                            throw new AssertionError("the reader ended before the sender");
                        }
                        if (System.nanoTime() >= end) {
                            break sending;
                        }
                    }
                    Kind kind = Kind.of(seq);
                    send(ws, seq, kind);
                    fragmented += kind == Kind.FRAGMENTED_TEXT ? 1 : 0;
                    mebibytes += kind == Kind.MEBIBYTE ? 1 : 0;
                }
            } catch (IOException | AssertionError e) {
                // Say why the reader stopped, if it did: that is the likelier story.
                reader.handle((r, readerFailure) -> {
                    if (readerFailure != null) {
                        e.addSuppressed(readerFailure);
                    }
                    return r;
                });
                throw e;
            }
            sent.set(seq);
            // The minute is over and the path healed: the last echoes come as soon as TCP's next
            // retransmission (after its current back-off) gets through.
            firewall.heal();
            long[] read;
            try {
                read = reader.get(DRAIN.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the last echoes did not come within " + DRAIN.toSeconds() + " s after the path healed: "
                        + seq + " messages sent; " + ws + "\n" + sockets(uri) + "\n" + threadDump(), e);
            }
            pinger.join(TimeUnit.SECONDS.toMillis(15));
            assertEquals(sent.get(), read[0], "messages echoed");
            return new Outcome(percent, sent.get(), read[1], fragmented, mebibytes, rtts, pingTimeouts.get(),
                    FaultResults.since(start));
        } catch (Exception e) {
            throw new AssertionError("loss " + percent + " %", e);
        }
    }

    /** The message mix: a third fragmented text, one in twenty 1 MiB binary, the rest 2 KiB binary. */
    private enum Kind {
        FRAGMENTED_TEXT, MEBIBYTE, SMALL_BINARY;

        static Kind of(long seq) {
            return seq % 20 == 19 ? MEBIBYTE : seq % 3 == 0 ? FRAGMENTED_TEXT : SMALL_BINARY;
        }

        int size() {
            return this == MEBIBYTE ? MIB : this == FRAGMENTED_TEXT ? 3000 : 2048;
        }
    }

    private static void send(FrameSocket ws, long seq, Kind kind) throws Exception {
        if (kind == Kind.FRAGMENTED_TEXT) {
            // Three frames of one message; the pinger's Pings may land between them.
            String text = Payloads.text(seq, kind.size());
            ws.sendFrame(text.substring(0, 1000), false);
            ws.sendFrame(text.substring(1000, 2000), false);
            ws.sendFrame(text.substring(2000), true);
        } else {
            ws.sendBinary(ByteBuffer.wrap(Payloads.binary(seq, kind.size())));
        }
    }

    /**
     * Reads echoes until the sender is done and every message it sent has come back, checking each
     * against the message of the next number; returns {messages, bytes}.
     */
    private static long[] readEchoes(FrameSocket ws, Semaphore window, AtomicInteger sent) {
        long count = 0;
        long bytes = 0;
        try {
            while (sent.get() < 0 || count < sent.get()) {
                Message m;
                try {
                    m = ws.readMessage(Duration.ofSeconds(1));
                } catch (ReadTimeoutException idle) {
                    continue; // the sender may be done: look at the condition again
                }
                Kind kind = Kind.of(count);
                if (kind == Kind.FRAGMENTED_TEXT) {
                    assertEquals(Opcode.TEXT, m.type(), "message " + count);
                    String expected = Payloads.text(count, kind.size());
                    if (!m.text().equals(expected)) {
                        throw new AssertionError("expected text message " + count + ", got number " + Payloads.seqOf(m.text()));
                    }
                } else {
                    assertEquals(Opcode.BINARY, m.type(), "message " + count);
                    byte[] got = m.bytes();
                    if (!Arrays.equals(got, Payloads.binary(count, kind.size()))) {
                        throw new AssertionError("expected binary message " + count + " of " + kind.size()
                                + " bytes, got number " + Payloads.seqOf(got) + " of " + got.length + " bytes");
                    }
                }
                bytes += kind.size();
                count++;
                window.release();
            }
            return new long[] {count, bytes};
        } catch (Exception e) {
            throw new AssertionError("reading echo " + count, e);
        }
    }
}
