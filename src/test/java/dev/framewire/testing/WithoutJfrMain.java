package dev.framewire.testing;

import dev.framewire.ConnectionStats;
import dev.framewire.FrameSocket;
import dev.framewire.MessageTooLargeException;
import dev.framewire.Reconnector;
import dev.framewire.WebSocketException;

import java.net.URI;
import java.time.Duration;

/**
 * Drives every path of framewire that records a JDK Flight Recorder event, on a runtime linked
 * without {@code jdk.jfr}: ObservingTest runs it there, on the class path and on the module path,
 * and expects {@code OK} and the stats on its last line. Uses nothing but framewire and java.base.
 */
public final class WithoutJfrMain {

    private WithoutJfrMain() {
    }

    /**
     * Runs against an echo server.
     *
     * @param args the echo server's URI, then a URI where nothing listens
     */
    public static void main(String[] args) throws Exception {
        if (ModuleLayer.boot().findModule("jdk.jfr").isPresent()) {
            throw new AssertionError("this runtime has jdk.jfr: the test proves nothing here");
        }
        URI echo = URI.create(args[0]);
        ConnectionStats stats;
        try (FrameSocket ws = FrameSocket.newBuilder().keepAlive(Duration.ofMillis(50), Duration.ofSeconds(5))
                .maxMessageSize(10).connect(echo)) {                     // Connect
            ws.sendText("hello");
            ws.readMessage();
            ws.ping(Duration.ofSeconds(10));                             // RoundTrip
            Thread.sleep(200);                                           // the keepalive's RoundTrip
            ws.sendText("more than ten bytes");
            try {
                ws.readMessage();                                        // MessageTooLarge
                throw new AssertionError("the message was not refused");
            } catch (MessageTooLargeException expected) {
                // refused, as the limit says
            }
            stats = ws.stats();
        }                                                                // ConnectionEnd
        Reconnector nobody = FrameSocket.newBuilder().reconnector(URI.create(args[1]))
                .backoff(Duration.ofMillis(1), Duration.ofMillis(1)).maxAttempts(2);
        try {
            nobody.connect().close();                                    // ReconnectAttempt
            throw new AssertionError("connected where nothing listens");
        } catch (WebSocketException expected) {
            // the attempts ran out
        }
        System.out.println("OK " + stats);
    }
}
