package dev.framewire.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The testkit against the plainest client there is, raw {@code java.net.http.WebSocket}: the
 * testkit depends on no WebSocket client, and any client can be tested with it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JdkClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void anEchoSendsBackWhatTheClientSent() throws Exception {
        try (ScriptedServer server = ScriptedServer.echo()) {
            Events events = new Events();
            WebSocket ws = connect(HttpClient.newHttpClient(), server, events);
            ws.sendText("hello", true).get(10, TimeUnit.SECONDS);
            assertEquals("hello", events.next());
            ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, TimeUnit.SECONDS);
            assertEquals("binary 3", events.next());
            ws.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
            assertEquals("close 1000", events.next());
            server.awaitScripts(WAIT);
        }
    }

    @Test
    void theServerSeesEachFrameTheClientSentMaskedAndItsClose() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(connection -> {
            connection.received().expectTextFragments("hel", "lo");
            connection.sendPing("are you there");
            connection.received().expectPong("are you there");
            ClientFrame close = connection.received().expectClose(1000);
            assertEquals("bye", close.closeReason());
            connection.sendClose(1000, "");
        })) {
            Events events = new Events();
            WebSocket ws = connect(HttpClient.newHttpClient(), server, events);
            ws.sendText("hel", false).get(10, TimeUnit.SECONDS);
            ws.sendText("lo", true).get(10, TimeUnit.SECONDS);
            assertEquals("ping are you there", events.next()); // the JDK answers it by itself
            ws.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
            assertEquals("close 1000", events.next());
            server.awaitScripts(WAIT);
        }
    }

    @Test
    void aGreetingBehindThe101ArrivesWithTheUpgrade() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(Faults.greetingBehindThe101("welcome", "second"))) {
            Events events = new Events();
            connect(HttpClient.newHttpClient(), server, events);
            assertEquals("welcome", events.next());
            assertEquals("second", events.next());
        }
    }

    @Test
    void framesCutOneBytePerWriteStillArriveWhole() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(connection -> {
            connection.received().expectText("go"); // the client speaks first
            connection.writes(Writes.oneBytePerWrite().pausing(Duration.ofMillis(1)));
            connection.sendTextFragments("one byte ", "at a time");
            connection.writes(Writes.splitAt(1));
            connection.sendBinary(new byte[300]);
            connection.awaitClientClosed(WAIT);
        })) {
            Events events = new Events();
            WebSocket ws = connect(HttpClient.newHttpClient(), server, events);
            ws.sendText("go", true).get(10, TimeUnit.SECONDS);
            assertEquals("one byte at a time", events.next());
            assertEquals("binary 300", events.next());
            ws.abort();
            server.awaitScripts(WAIT);
        }
    }

    @Test
    void aCloseWithoutStatusReadsAs1005() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(Faults.closeWithoutStatus())) {
            Events events = new Events();
            connect(HttpClient.newHttpClient(), server, events);
            assertEquals("close 1005", events.next());
        }
    }

    @Test
    void aRefusedUpgradeShowsItsStatusAndRetryAfter() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(Faults.refusedUpgrade(503, Duration.ofSeconds(7)))) {
            ExecutionException failed = assertThrows(ExecutionException.class, () -> HttpClient.newHttpClient()
                    .newWebSocketBuilder().buildAsync(server.uri(), new Events()).get(10, TimeUnit.SECONDS));
            WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, failed.getCause());
            assertEquals(503, refused.getResponse().statusCode());
            assertEquals("7", refused.getResponse().headers().firstValue("Retry-After").orElseThrow());
        }
    }

    @Test
    void aSubprotocolAndHeadersAreChosenByTheHandshake() throws Exception {
        try (ScriptedServer server = ScriptedServer.newBuilder()
                .handshake(Handshake.accept().firstOfferedSubprotocol().header("X-Served-By", "testkit"))
                .start(connection -> {
                    assertEquals("/room?id=7", connection.requestTarget());
                    assertEquals("Bearer t", connection.requestHeader("authorization"));
                    assertEquals(List.of("chat", "superchat"), connection.offeredSubprotocols());
                    connection.awaitClientClosed(WAIT);
                })) {
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer t")
                    .subprotocols("chat", "superchat").buildAsync(server.uri("/room?id=7"), new Events())
                    .get(10, TimeUnit.SECONDS);
            assertEquals("chat", ws.getSubprotocol());
            ws.abort();
            server.awaitScripts(WAIT);
        }
    }

    @Test
    void tlsWithTheServersOwnCertificate() throws Exception {
        try (ScriptedServer server = ScriptedServer.newBuilder().tls().start(Script.echo())) {
            assertTrue(server.uri().toString().startsWith("wss://127.0.0.1:"), server.uri().toString());
            Events events = new Events();
            WebSocket ws = connect(server.httpClient(), server, events);
            ws.sendText("secret", true).get(10, TimeUnit.SECONDS);
            assertEquals("secret", events.next());
            ExecutionException untrusted = assertThrows(ExecutionException.class, () -> HttpClient.newHttpClient()
                    .newWebSocketBuilder().buildAsync(server.uri(), new Events()).get(10, TimeUnit.SECONDS));
            assertTrue(String.valueOf(untrusted.getCause()).contains("SSL"), String.valueOf(untrusted.getCause()));
            ws.abort();
        }
    }

    @Test
    void aServerThatStopsReadingHoldsTheClientsSendsBackUntilItResumes() throws Exception {
        try (ScriptedServer server = ScriptedServer.echo()) {
            Events events = new Events();
            WebSocket ws = connect(HttpClient.newHttpClient(), server, events);
            ServerConnection connection = server.nextConnection();
            connection.stopReading();
            ByteBuffer mebibyte = ByteBuffer.allocate(1 << 20);
            CompletableFuture<WebSocket> sent = CompletableFuture.completedFuture(ws);
            int sends = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (sent.isDone()) { // until one send no longer completes: TCP is full
                assertTrue(System.nanoTime() < deadline, "the sends never met back-pressure");
                sent = ws.sendBinary(mebibyte.duplicate(), true).toCompletableFuture();
                sends++;
                try {
                    sent.get(300, TimeUnit.MILLISECONDS);
                } catch (TimeoutException full) {
                    break;
                }
            }
            connection.resumeReading();
            sent.get(10, TimeUnit.SECONDS);
            for (int i = 0; i < sends; i++) {
                assertEquals("binary " + (1 << 20), events.next());
            }
            ws.abort();
        }
    }

    @Test
    void theServerRecordsAFailedScriptAndReportsItInTheTestsThread() throws Exception {
        ScriptedServer server = ScriptedServer.start(connection -> connection.received().expectText("this"));
        try {
            WebSocket ws = connect(HttpClient.newHttpClient(), server, new Events());
            ws.sendText("that", true).get(10, TimeUnit.SECONDS);
            AssertionError failed = assertThrows(AssertionError.class, () -> server.awaitScripts(WAIT));
            assertTrue(failed.getMessage().contains("expected the text message \"this\", got text in 1 frames"),
                    failed.getMessage());
            ws.abort();
        } finally {
            server.close();
        }
    }

    // ---------------------------------------------------------------- a raw JDK client

    static WebSocket connect(HttpClient client, ScriptedServer server, Events events) throws Exception {
        return client.newWebSocketBuilder().buildAsync(server.uri(), events).get(10, TimeUnit.SECONDS);
    }

    /** What the JDK client received, as strings: each whole message, a Ping, the Close, an error. */
    static final class Events implements WebSocket.Listener {
        private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        private final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        String next() throws InterruptedException {
            String event = events.poll(10, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("the client received nothing within 10 s");
            }
            return event;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                events.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        /** {@return the payload of the binary message that {@link #next()} reported last as "binary N"} */
        byte[] lastBinary() {
            return binaries.remove();
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] part = new byte[data.remaining()];
            data.get(part);
            binary.writeBytes(part);
            if (last) {
                binaries.add(binary.toByteArray());
                events.add("binary " + binary.size());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            events.add("ping " + StandardCharsets.UTF_8.decode(message));
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            events.add("close " + statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            events.add("error " + error);
        }
    }
}
