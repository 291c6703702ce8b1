package dev.framewire.docs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionStats;
import dev.framewire.FrameSocket;
import dev.framewire.Opcode;
import dev.framewire.Reconnector;
import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.WireFrame;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import jdk.jfr.consumer.RecordingStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** Runs the code shown in README.md and docs/ against real servers, and checks what it does. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DocsExamplesTest {

    @RegisterExtension
    static final EchoServerExtension echo = new EchoServerExtension();

    @Test
    void readme() throws Exception {
        Readme.tenLines(echo.uri());
    }

    @Test
    void connecting() throws Exception {
        assertEquals("hello", Connecting.defaults(echo.uri()));
        assertEquals("superchat", Connecting.settings(echo.uri()));
        assertEquals("superchat", echo.lastRequestHeader("Sec-WebSocket-Protocol").split(",")[0].trim());
        assertEquals("Bearer my-token", echo.lastRequestHeader("Authorization"));
        assertEquals(404, Connecting.refused(URI.create(echo.uri().toString().replace("/echo", "/nowhere"))));
        assertEquals("through my own client",
                Connecting.ownClient(echo.uri(), SSLContext.getDefault(), HttpClient.Builder.NO_PROXY));
    }

    @Test
    void sending() throws Exception {
        assertEquals("This is the 1st frame\r\nThis is the 2nd frame\r\nThis is the 3rd and final frame\r\n",
                Sending.fragments(echo.uri()));
        assertArrayEquals(new byte[] {1, 2, 'b', 'o', 'd', 'y'}, Sending.binary(echo.uri()));
        assertEquals("part 1 part 2", Sending.mixingIsRefused(echo.uri()));
        assertEquals("smile \uD83D\uDE00!", Sending.surrogates(echo.uri()));
    }

    @Test
    void reading() throws Exception {
        assertEquals("Hello, world", Reading.frames(echo.uri()));
        assertEquals("one3 bytes", Reading.messages(echo.uri()));
        assertTrue(Reading.timeout(echo.uri()));
        assertEquals("ping?", Reading.spin(echo.uri()));
    }

    @Test
    void pingsAndKeepalive() throws Exception {
        Duration rtt = PingsAndKeepalive.roundTrip(echo.uri());
        assertTrue(!rtt.isNegative() && rtt.compareTo(Duration.ofSeconds(5)) < 0, rtt.toString());
        assertEquals(Opcode.PONG, PingsAndKeepalive.seePongs(echo.uri()));
        assertTrue(PingsAndKeepalive.keepAlive(echo.uri()));
    }

    @Test
    void closing() throws Exception {
        assertEquals(new CloseStatus(1000, "Closing this websocket."), Closing.clientCloses(echo.uri()));
        assertFalse(Closing.tryWithResources(echo.uri()));
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendText("first");
            c.sendText("second");
            c.sendClose(4000, "done");
            c.awaitClientClosed(Duration.ofSeconds(10));
        }); FrameSocket ws = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(10)).connect(server.uri())) {
            assertEquals(new CloseStatus(4000, "done"), Closing.readUntilClosed(ws));
        }
    }

    @Test
    void errors() throws Exception {
        assertEquals("ping me back", Errors.handleEverything(echo.uri()));
        assertEquals("refused: HTTP 404", Errors.handleEverything(URI.create(echo.uri().toString().replace("/echo", "/x"))));
    }

    @Test
    void threading() throws Exception {
        assertEquals(400, Threading.manySenders(echo.uri()));
        assertTrue(Threading.interruptAReader(echo.uri()));
    }

    @Test
    void streaming(@TempDir Path dir) throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(content);
        Path file = Files.write(dir.resolve("file.bin"), content);
        Path copy = dir.resolve("copy.bin");
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(10)).connect(echo.uri())) {
            Streaming.sendAndReceiveFile(ws, file, copy);
            assertArrayEquals(content, Files.readAllBytes(copy));

            ws.sendBinary(ByteBuffer.wrap(content));
            String expected = HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(content));
            assertEquals(expected, Streaming.digestOfNextMessage(ws));

            List<String> lines = List.of("first line", "zweite Zeile: äöü", "😀 third");
            assertEquals(lines, Streaming.textLines(ws, lines));
        }
    }

    @Test
    void observing() throws Exception {
        ConnectionStats stats = Observing.stats(echo.uri());
        assertEquals(1, stats.messagesReceived());
        assertEquals(5, stats.bytesReceived());

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FrameSocket ws = FrameSocket.connect(echo.uri())) {
            Observing.bind(ws, registry);
            ws.sendText("one");
            ws.sendText("two");
            ws.readMessage();
            ws.readMessage();
            ws.ping(Duration.ofSeconds(10));
            assertEquals(2, registry.get("framewire.messages.sent").tag("connection", "prices").functionCounter().count());
            assertEquals(6, registry.get("framewire.bytes.received").functionCounter().count());
            assertEquals(0, registry.get("framewire.queued.parts").gauge().value());
            assertTrue(registry.get("framewire.round.trip").timeGauge().value(TimeUnit.NANOSECONDS) > 0);
            assertEquals(13, registry.getMeters().size(), "one meter per count of ConnectionStats but openedAt");
        }

        List<String> waits = new CopyOnWriteArrayList<>();
        try (RecordingStream events = Observing.watchSendWaits(Duration.ZERO, waits)) {
            Semaphore flushed = new Semaphore(0);
            events.onFlush(flushed::release);
            try (FrameSocket ws = FrameSocket.newBuilder().maxQueuedParts(1).connect(echo.uri())) {
                Thread reader = new Thread(() -> {
                    try {
                        Thread.sleep(300);                       // nobody reads the echoes yet: TCP fills up, sends wait
                        for (int i = 0; i < 16; i++) {
                            ws.readMessage();
                        }
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                reader.start();
                byte[] mib = new byte[1 << 20];
                for (int i = 0; i < 16; i++) {
                    ws.sendBinary(mib);
                }
                reader.join();
            }
            // The stream delivers what was recorded about once a second, and close() drops what it
            // has not delivered: wait for two flushes after the work.
            flushed.drainPermits();
            assertTrue(flushed.tryAcquire(2, 20, TimeUnit.SECONDS), "the recording stream never flushed");
        }
        assertFalse(waits.isEmpty(), "16 MiB into a reader that lags: some send waited");
        assertTrue(waits.get(0).matches("fw-[0-9a-f]{8} waited \\d+ ms for (slot|turn|write)"), waits.get(0));

        List<String> lines = new CopyOnWriteArrayList<>();
        java.util.logging.Logger framewire = java.util.logging.Logger.getLogger("dev.framewire");
        java.util.logging.Level before = framewire.getLevel();
        java.util.logging.Handler handler = Observing.tap(lines::add);
        List<Reconnector.Attempt> attempts = new ArrayList<>();
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try {
            Observing.watchedReconnector(URI.create("ws://127.0.0.1:" + closedPort + "/"), attempts);
        } finally {
            framewire.removeHandler(handler);
            framewire.setLevel(before);
        }
        assertEquals(3, attempts.size());
        assertEquals(2, lines.stream().filter(l -> l.startsWith("INFO Reconnector ") && l.contains("; next in ")).count(),
                String.join("\n", lines));
        assertEquals(1, lines.stream().filter(l -> l.startsWith("WARNING ") && l.contains("giving up after 3 attempts")).count(),
                String.join("\n", lines));
    }

    @Test
    void reconnecting() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            assertEquals("{\"subscribe\":\"prices\"}", c.readUntil(WireFrame.TEXT).text());
            if (c.id() == 1) {
                c.sendText("price 1");
                c.sendText("price 2");
                c.closeTcp();                        // the server crashes: the client sees 1006
            } else {
                c.sendText("price 3");
                c.sendText("price 4");
                ClientFrame close = c.readUntil(WireFrame.CLOSE);
                assertEquals(1000, close.closeCode());
                c.sendClose(close.closeCode(), "");
            }
        })) {
            Reconnector reconnector = Reconnecting.reconnector(server.uri());
            assertEquals(List.of("price 1", "price 2", "price 3", "price 4"), Reconnecting.subscribe(reconnector, 4));
            server.awaitScripts(Duration.ofSeconds(10));
            assertEquals(2, server.connectionCount());
        }
    }

    @Test
    void limits() throws Exception {
        assertEquals("within the limits", Limits.settings(echo.uri()));
    }
}
