package dev.framewire.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.RecordingListener.Close;
import dev.framewire.testing.RecordingListener.Pong;
import dev.framewire.testing.RecordingListener.Text;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks that {@link JettyEchoServer} behaves as its Javadoc promises, using the JDK's own
 * WebSocket client so that the check does not depend on framewire.
 */
class JettyEchoServerTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static JettyEchoServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = JettyEchoServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void uriIsLoopbackEchoEndpoint() {
        assertEquals("ws", server.uri().getScheme());
        assertEquals("127.0.0.1", server.uri().getHost());
        assertEquals("/echo", server.uri().getPath());
        assertTrue(server.uri().getPort() > 0);
    }

    @Test
    void fragmentsAreEchoedOneByOneWithTheirFinFlags() throws Exception {
        RecordingListener events = new RecordingListener();
        WebSocket ws = RecordingListener.connect(CLIENT, server.uri(), events);

        send(ws.sendText("one", false));
        send(ws.sendText("two", false));
        send(ws.sendText("three", true));

        // The JDK reports each frame's payload as a separate part; had the server reassembled the
        // message, it would arrive as a single part.
        assertEquals(new Text("one", false), events.next(Text.class));
        assertEquals(new Text("two", false), events.next(Text.class));
        assertEquals(new Text("three", true), events.next(Text.class));
        closeNormally(ws, events);
    }

    @Test
    void pingIsAnsweredWithPongCarryingTheSamePayload() throws Exception {
        RecordingListener events = new RecordingListener();
        WebSocket ws = RecordingListener.connect(CLIENT, server.uri(), events);
        byte[] payload = {1, 2, 3, 'p', 'i', 'n', 'g'};

        send(ws.sendPing(ByteBuffer.wrap(payload)));

        assertArrayEquals(payload, events.next(Pong.class).data());
        // Jetty's automatic Pong must not cost the echo its demand: the next message still echoes.
        send(ws.sendText("after ping", true));
        assertEquals(new Text("after ping", true), events.next(Text.class));
        closeNormally(ws, events);
    }

    @Test
    void closeIsAnsweredWithTheSameCodeAndReason() throws Exception {
        RecordingListener events = new RecordingListener();
        WebSocket ws = RecordingListener.connect(CLIENT, server.uri(), events);

        send(ws.sendClose(4321, "see you"));

        assertEquals(new Close(4321, "see you"), events.next(Close.class));
    }

    @Test
    void firstOfferedSupportedSubprotocolIsSelected() throws Exception {
        RecordingListener events = new RecordingListener();
        WebSocket ws = RecordingListener.connect(
                CLIENT.newWebSocketBuilder().subprotocols("v2.unknown", "superchat", "chat"),
                server.uri(), events);

        assertEquals("superchat", ws.getSubprotocol());
        closeNormally(ws, events);
    }

    @Test
    void noSubprotocolIsSelectedWhenNoneOfferedIsSupported() throws Exception {
        RecordingListener events = new RecordingListener();
        WebSocket ws = RecordingListener.connect(
                CLIENT.newWebSocketBuilder().subprotocols("mqtt"), server.uri(), events);

        assertEquals("", ws.getSubprotocol());
        closeNormally(ws, events);
    }

    @Test
    void upgradeRequestHeadersAreRecordedCaseInsensitively() throws Exception {
        RecordingListener events = new RecordingListener();
        int before = server.connectionsOpened();
        WebSocket ws = RecordingListener.connect(
                CLIENT.newWebSocketBuilder().header("X-Framewire-Test", "recorded"), server.uri(), events);

        assertEquals("recorded", server.lastRequestHeader("x-framewire-test"));
        assertEquals(List.of("recorded"), server.lastRequestHeaders().get("X-FRAMEWIRE-TEST"));
        assertEquals("13", server.lastRequestHeader("Sec-WebSocket-Version"));
        assertNull(server.lastRequestHeader("X-Not-Sent"));
        assertEquals(before + 1, server.connectionsOpened());
        closeNormally(ws, events);
    }

    @Test
    void largeBinaryMessageIsEchoedIntact() throws Exception {
        RecordingListener events = new RecordingListener();
        WebSocket ws = RecordingListener.connect(CLIENT, server.uri(), events);
        byte[] message = new byte[200 * 1024];
        new Random(42).nextBytes(message);

        send(ws.sendBinary(ByteBuffer.wrap(message), true));

        assertArrayEquals(message, events.nextBinaryMessage());
        closeNormally(ws, events);
    }

    @Test
    void largeTextMessageIsEchoedIntact() throws Exception {
        RecordingListener events = new RecordingListener();
        WebSocket ws = RecordingListener.connect(CLIENT, server.uri(), events);
        // Multi-byte characters, so that the message is well over 200 KB in UTF-8.
        String message = "grüße, 世界 ✓ ".repeat(12_000);
        assertTrue(message.getBytes(StandardCharsets.UTF_8).length > 200 * 1024);

        send(ws.sendText(message, true));

        assertEquals(message, events.nextTextMessage());
        closeNormally(ws, events);
    }

    @Test
    void closeStopsEveryThreadItStarted() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Set<Thread> started;
        try (JettyEchoServer own = JettyEchoServer.start()) {
            RecordingListener events = new RecordingListener();
            WebSocket ws = RecordingListener.connect(CLIENT, own.uri(), events);
            send(ws.sendText("hello", true));
            events.next(Text.class);
            started = new HashSet<>(Thread.getAllStackTraces().keySet());
            started.removeAll(before);
        }

        // Every server thread must end, and nothing may be left that would keep a JVM alive. The
        // JDK client's own threads are daemons that legitimately outlive this test. Jetty stops its
        // scheduler thread without waiting for it, hence the bounded join rather than a snapshot.
        List<Thread> ours = started.stream()
                .filter(thread -> thread.getName().startsWith("jetty-echo") || !thread.isDaemon())
                .toList();
        long deadline = System.nanoTime() + RecordingListener.TIMEOUT.toNanos();
        for (Thread thread : ours) {
            TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadline - System.nanoTime()));
        }
        List<Thread> lingering = ours.stream().filter(Thread::isAlive).toList();
        assertTrue(lingering.isEmpty(), () -> "still running after close(): " + lingering);
    }

    /** Waits for a send to complete, so that the next one is allowed and failures surface here. */
    private static void send(CompletableFuture<WebSocket> sending) throws Exception {
        sending.get(RecordingListener.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void closeNormally(WebSocket ws, RecordingListener events) throws Exception {
        send(ws.sendClose(WebSocket.NORMAL_CLOSURE, ""));
        assertEquals(new Close(WebSocket.NORMAL_CLOSURE, ""), events.next(Close.class));
    }
}
