package dev.framewire.faults;

import dev.framewire.testing.JettyEchoServer;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.ServerConnection;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The servers of the fault suite, in a JVM of their own that {@link ServerProcess} starts inside
 * the servers' network namespace: a process the test can freeze and kill without killing itself.
 *
 * <p>It starts two Jetty echo servers (two ports, so two connections can suffer different faults at
 * once) and a scripted server whose behaviour each connection picks by its request path:
 * <ul>
 *   <li>{@code /numbered?count=N&size=S&pauseMs=P}: numbered text messages of S characters
 *       ({@link Payloads#text}), one every P ms, N of them (0: until the connection fails), then
 *       holds the connection;
 *   <li>{@code /big?before=K&size=S&fragment=F&pauseMs=P}: K numbered 1000-character text
 *       messages, then binary message number K of S bytes ({@link Payloads#binary}) in frames of F
 *       bytes, one every P ms, then holds the connection;
 *   <li>{@code /sink}: reads and discards everything.
 * </ul>
 * Every script waits for the client's first frame before it sends anything: data in the same TCP
 * read as the 101 response can be lost by the JDK (docs/jdk-defects.md), which is not the fault
 * under test.
 *
 * <p>It prints {@code ports echo=P echo2=P scripted=P} on stdout once everything listens, and exits
 * when its stdin closes (the test JVM closed it, or died).
 */
public final class FaultServerMain {

    /** How long a script holds a connection the client keeps open. */
    private static final Duration HOLD = Duration.ofMinutes(10);

    private FaultServerMain() {
    }

    public static void main(String[] args) throws Exception {
        JettyEchoServer echo = JettyEchoServer.startOn("0.0.0.0");
        JettyEchoServer echo2 = JettyEchoServer.startOn("0.0.0.0");
        ScriptedServer scripted = ScriptedServer.newBuilder().bindTo(InetAddress.getByName("0.0.0.0"))
                .start(FaultServerMain::script);
        System.out.println("ports echo=" + echo.port() + " echo2=" + echo2.port() + " scripted=" + scripted.port());
        System.out.flush();
        InputStream in = System.in;
        while (in.read() != -1) {
            // Nothing is sent on stdin; its end is the signal to stop.
        }
        // halt, not exit: no shutdown hooks, which could wait on connections the faults left
        // hanging. The scripts' failures (connections the faults broke) are expected.
        Runtime.getRuntime().halt(0);
    }

    private static void script(ServerConnection c) throws IOException {
        String target = c.requestTarget();
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        Map<String, Integer> params = new HashMap<>();
        if (query >= 0) {
            Arrays.stream(target.substring(query + 1).split("&")).map(p -> p.split("=", 2))
                    .forEach(p -> params.put(p[0], Integer.parseInt(p[1])));
        }
        if (!path.equals("/sink")) {
            c.readFrame(HOLD); // the client speaks first: its "go"
        }
        switch (path) {
            case "/numbered" -> {
                int count = params.getOrDefault("count", 0);
                for (long seq = 0; count == 0 || seq < count; seq++) {
                    c.sendText(Payloads.text(seq, params.getOrDefault("size", 100)));
                    pause(params.getOrDefault("pauseMs", 0));
                }
            }
            case "/big" -> {
                int before = params.get("before");
                for (int seq = 0; seq < before; seq++) {
                    c.sendText(Payloads.text(seq, 1000));
                }
                byte[] big = Payloads.binary(before, params.get("size"));
                int fragment = params.get("fragment");
                for (int from = 0; from < big.length; from += fragment) {
                    int to = Math.min(big.length, from + fragment);
                    byte[] part = Arrays.copyOfRange(big, from, to);
                    boolean fin = to == big.length;
                    if (from == 0) {
                        c.sendBinaryFrame(part, fin);
                    } else {
                        c.sendContinuation(part, fin);
                    }
                    pause(params.get("pauseMs"));
                }
            }
            case "/sink" -> { /* awaitClientClosed below reads and discards */ }
            default -> throw new IllegalArgumentException("unknown script " + target);
        }
        c.awaitClientClosed(HOLD);
    }

    private static void pause(int millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
