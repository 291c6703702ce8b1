package dev.framewire;

import static dev.framewire.testing.Clients.WAIT;
import static dev.framewire.testing.Clients.scripted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testing.LogRecorder;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.WireFrame;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/logging.md: framewire logs through System.Logger, which the JDK backs with
 * java.util.logging, so standard JUL configuration switches it on.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoggingTest {

    @RegisterExtension
    static final EchoServerExtension server = new EchoServerExtension();
    private final LogRecorder log = new LogRecorder();
    private final List<LogRecord> records = log.records();

    @BeforeEach
    void listen() {
        log.start();
    }

    @AfterEach
    void stopListening() {
        log.stop();
        System.clearProperty("dev.framewire.logPayloads");
    }

    @Test
    void debugTellsOfConnectHandshakeAndCloseAndTraceOfEveryFrameWithoutPayloads() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(10)).connect(server.uri())) {
            ws.sendFrame("secret-1", false);
            ws.sendPing("secret-ping");
            ws.sendFrame("secret-2", true);
            ws.readFrame();
            ws.readFrame();
            ws.sendClose(1000, "done");
            ws.readFrame();
        }
        assertLogged(Level.FINE, "Connecting");
        assertLogged(Level.FINE, "Handshake completed");
        assertLogged(Level.FINE, "Sending Close 1000 \"done\"");
        assertLogged(Level.FINE, "Received Close 1000 \"done\", the answer to ours");
        assertLogged(Level.FINER, ">> TEXT more 8 chars");
        assertLogged(Level.FINER, ">> PING fin 11 bytes");
        assertLogged(Level.FINER, ">> CONTINUATION fin 8 chars");
        assertLogged(Level.FINER, "<< TEXT more 8 chars");
        assertLogged(Level.FINER, "<< CONTINUATION fin 8 chars");
        assertLogged(Level.FINER, "<< PONG fin 11 bytes");
        for (LogRecord r : records) {
            assertFalse(r.getMessage().contains("secret"), "payload leaked into the log: " + r.getMessage());
            assertTrue(r.getMessage().startsWith("[fw-"), "every line names its connection: " + r.getMessage());
        }
    }

    @Test
    void traceTellsOfEveryKindOfFrameBothWaysAndDebugOfTheEnd() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
                c.readUntil(WireFrame.PONG);
                c.sendBinary(new byte[3]);
                c.sendPing("hi");
                c.echoUntilClosed(); // answers the keepalive's Pings
            });
             FrameSocket ws = scripted().keepAlive(Duration.ofMillis(100), Duration.ofSeconds(10)).connect(server.uri())) {
            ws.sendPong(new byte[] {7});
            assertEquals(3, ws.readMessage().bytes().length);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!logged(Level.FINER, ">> PING fin ") && System.nanoTime() < deadline) {
                Thread.sleep(20); // the keepalive pings after 100 ms without a frame from the peer
            }
            ws.abort();
        }
        assertLogged(Level.FINER, ">> PONG fin 1 bytes");
        assertLogged(Level.FINER, "<< BINARY fin 3 bytes");
        assertLogged(Level.FINER, "<< PING fin 2 bytes");
        assertLogged(Level.FINER, ">> PING fin ");
        assertLogged(Level.FINE, "Connection ended: This side aborted the connection");
    }

    @Test
    void payloadsAreLoggedOnlyWhenTheUserOptsIn() throws Exception {
        System.setProperty("dev.framewire.logPayloads", "true");
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(10)).connect(server.uri())) {
            ws.sendText("visible");
            ws.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0xCA, (byte) 0xFE}));
            ws.readMessage();
            ws.readMessage();
        }
        assertLogged(Level.FINER, ">> TEXT fin 7 chars: visible");
        assertLogged(Level.FINER, "<< TEXT fin 7 chars: visible");
        assertLogged(Level.FINER, ">> BINARY fin 2 bytes: cafe");
    }

    @Test
    void aRefusedHandshakeIsLogged() throws Exception {
        java.net.URI nowhere = java.net.URI.create(server.uri().toString().replace("/echo", "/missing"));
        try {
            FrameSocket.connect(nowhere).close();
        } catch (HandshakeException expected) {
            // logged below
        }
        assertLogged(Level.FINE, "Handshake failed");
    }

    private boolean logged(Level level, String fragment) {
        return records.stream().anyMatch(r -> r.getLevel().equals(level) && r.getMessage().contains(fragment));
    }

    private void assertLogged(Level level, String fragment) {
        assertTrue(logged(level, fragment),
                () -> "no " + level + " line containing \"" + fragment + "\" in " + records.stream()
                        .map(r -> r.getLevel() + " " + r.getMessage()).toList());
    }
}
