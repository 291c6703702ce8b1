import dev.framewire.ConnectionClosedException;
import dev.framewire.FrameSocket;
import dev.framewire.Message;
import dev.framewire.MessageTooLargeException;
import dev.framewire.Opcode;
import dev.framewire.ReadTimeoutException;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * Autobahn|Testsuite fuzzingserver testee written only against framewire's public API: echo every
 * whole message, as a careful user would write an echo client.
 *
 * <p>Run by ../../../shared/autobahn/run.sh as
 * {@code java --module-path framewire.jar --add-modules dev.framewire FramewireTestee.java ws://127.0.0.1:PORT AGENT}.
 * It asks /getCaseCount, runs /runCase?case=i&agent=AGENT for each case, echoing each message from
 * {@code readMessage} with {@code sendText}/{@code sendBinary} until the connection ends, then opens
 * /updateReports?agent=AGENT. Everything is framewire's default except {@code maxMessageSize}, raised
 * to 64 MiB because cases 9.1.6 and 9.2.6 send 16 MiB messages (exactly the default limit, which a
 * text message's UTF-8 size meets). Like AutobahnRawJdk, it gives a case 120 seconds: a message
 * lost on the way would otherwise leave the testee and the server both waiting for ever (the read
 * timeout is framewire's default, none; {@code readMessage(Duration)} bounds each wait instead).
 */
public class FramewireTestee {

    static final int MAX_MESSAGE_SIZE = 64 << 20;
    /** As AutobahnRawJdk: a case that has not ended after this long is given up (aborted). */
    static final Duration CASE_LIMIT = Duration.ofSeconds(120);

    static FrameSocket open(String url) throws IOException {
        return FrameSocket.newBuilder().maxMessageSize(MAX_MESSAGE_SIZE).connect(URI.create(url));
    }

    /** Echoes until the connection ends or the case has taken CASE_LIMIT; returns how it ended. */
    static String echo(FrameSocket ws) {
        int echoed = 0;
        long deadline = System.nanoTime() + CASE_LIMIT.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    ws.abort();
                    return "FAILURE the case took over " + CASE_LIMIT.toSeconds() + " s; aborted, echoed " + echoed;
                }
                Message m = ws.readMessage(Duration.ofNanos(left));
                if (m.type() == Opcode.TEXT) {
                    ws.sendText(m.text());
                } else {
                    ws.sendBinary(ByteBuffer.wrap(m.bytes()));
                }
                echoed++;
            }
        } catch (ConnectionClosedException e) {
            return "closed " + e.closeStatus() + ", echoed " + echoed;
        } catch (ReadTimeoutException e) {
            ws.abort();
            return "FAILURE no message within " + CASE_LIMIT.toSeconds() + " s of the case start; aborted, echoed " + echoed;
        } catch (MessageTooLargeException e) {
            return "FAILURE message too large: limit " + e.limit() + ", size " + e.size() + ", echoed " + echoed;
        } catch (IOException | RuntimeException e) {
            return "FAILURE " + e + ", echoed " + echoed;
        } finally {
            ws.close(); // idempotent; after the peer's Close it only releases the socket
        }
    }

    public static void main(String[] a) throws Exception {
        String base = a[0], agent = a[1];
        System.out.println("java " + System.getProperty("java.version") + ", framewire testee");
        int n;
        try (FrameSocket ws = open(base + "/getCaseCount")) {
            n = Integer.parseInt(ws.readMessage().text().trim());
            try {
                ws.readMessage();
            } catch (ConnectionClosedException expected) {
                // the server closes after the count
            }
        }
        System.out.println("cases: " + n);
        int failures = 0;
        for (int i = 1; i <= n; i++) {
            long t0 = System.nanoTime();
            String end;
            try {
                end = echo(open(base + "/runCase?case=" + i + "&agent=" + agent));
            } catch (IOException | RuntimeException e) {
                end = "FAILURE connect: " + e;
            }
            if (end.startsWith("FAILURE")) failures++;
            System.out.println("case " + i + ": " + end + " (" + (System.nanoTime() - t0) / 1_000_000 + " ms)");
        }
        // The last case ends for the server when its TCP connection is gone, which can be after the
        // client saw the Close; without a pause the report may be written without that case.
        Thread.sleep(500);
        try (FrameSocket ws = open(base + "/updateReports?agent=" + agent)) {
            try {
                while (true) ws.readMessage();
            } catch (ConnectionClosedException expected) {
                // the server closes once the reports are written
            }
        }
        System.out.println("reports updated; testee-side failures: " + failures);
    }
}
