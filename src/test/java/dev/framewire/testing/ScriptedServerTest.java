package dev.framewire.testing;

import static dev.framewire.testing.ScriptedConnection.BINARY;
import static dev.framewire.testing.ScriptedConnection.CLOSE;
import static dev.framewire.testing.ScriptedConnection.CONTINUATION;
import static dev.framewire.testing.ScriptedConnection.PONG;
import static dev.framewire.testing.ScriptedConnection.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.RecordingListener.Close;
import dev.framewire.testing.RecordingListener.Text;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link ScriptedServer} and {@link ScriptedConnection} against the JDK's WebSocket client,
 * whose handshake and framing are an independent reference for ours.
 */
class ScriptedServerTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void acceptKeyMatchesTheExampleOfRfc6455() {
        // RFC 6455, section 1.3.
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", ScriptedConnection.acceptKeyFor("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void handshakeCompletesAndTheRequestIsRecorded() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(connection -> {
            assertEquals("/any/path?q=1", connection.requestTarget());
            assertEquals("yes", connection.requestHeader("x-scripted-test"));
            assertEquals(List.of("13"), connection.requestHeaders().get("SEC-WEBSOCKET-VERSION"));
            answerClose(connection);
        })) {
            RecordingListener events = new RecordingListener();
            // The JDK client checks Sec-WebSocket-Accept, so connecting at all proves it right.
            WebSocket ws = RecordingListener.connect(
                    CLIENT.newWebSocketBuilder().header("X-Scripted-Test", "yes"),
                    server.uri().resolve("/any/path?q=1"), events);

            closeNormally(ws, events);
            server.awaitScripts(TIMEOUT);
            assertEquals(1, server.connectionCount());
        }
    }

    @Test
    void framesSentByTheScriptArriveAtTheClient() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(connection -> {
            connection.sendText("hello, client");
            connection.sendTextFrame("hel", false);
            connection.sendPing("mid-message".getBytes(StandardCharsets.UTF_8));
            connection.sendContinuation("lo", true);
            // The JDK answers the Ping by itself.
            assertEquals(new ClientFrame(PONG, true, 0, "mid-message".getBytes(StandardCharsets.UTF_8)),
                    connection.readFrame());
            answerClose(connection);
        })) {
            RecordingListener events = new RecordingListener();
            WebSocket ws = RecordingListener.connect(CLIENT, server.uri(), events);

            assertEquals(new Text("hello, client", true), events.next(Text.class));
            assertEquals(new Text("hel", false), events.next(Text.class));
            assertEquals(new Text("lo", true), events.next(Text.class));
            closeNormally(ws, events);
            server.awaitScripts(TIMEOUT);
        }
    }

    @Test
    void clientFramesAreReadAndUnmasked() throws Exception {
        String text = "héllo wörld ✓";
        byte[] first = {0, 1, 2, (byte) 0xFF};
        byte[] second = {(byte) 0x80, 42};
        try (ScriptedServer server = ScriptedServer.start(connection -> {
            assertEquals(new ClientFrame(TEXT, true, 0, text.getBytes(StandardCharsets.UTF_8)), connection.readFrame());
            assertEquals(new ClientFrame(BINARY, false, 0, first), connection.readFrame());
            assertEquals(new ClientFrame(CONTINUATION, true, 0, second), connection.readFrame());
            answerClose(connection);
        })) {
            RecordingListener events = new RecordingListener();
            WebSocket ws = RecordingListener.connect(CLIENT, server.uri(), events);

            send(ws.sendText(text, true));
            send(ws.sendBinary(ByteBuffer.wrap(first), false));
            send(ws.sendBinary(ByteBuffer.wrap(second), true));
            closeNormally(ws, events);
            server.awaitScripts(TIMEOUT);
        }
    }

    @Test
    void closeCodeAndReasonTravelBothWays() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(connection -> {
            ClientFrame close = connection.readFrame();
            assertEquals(CLOSE, close.opcode());
            assertEquals(4001, close.closeCode());
            assertEquals("client leaving", close.closeReason());
            connection.sendClose(4002, "server agrees");
            connection.awaitClientClosed(TIMEOUT);
        })) {
            RecordingListener events = new RecordingListener();
            WebSocket ws = RecordingListener.connect(CLIENT, server.uri(), events);

            send(ws.sendClose(4001, "client leaving"));

            assertEquals(new Close(4002, "server agrees"), events.next(Close.class));
            server.awaitScripts(TIMEOUT);
        }
    }

    @Test
    void closeWithoutStatusIsReportedAsNoStatusReceived() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(connection -> {
            connection.sendCloseWithoutStatus();
            connection.readUntil(CLOSE);
        })) {
            RecordingListener events = new RecordingListener();
            RecordingListener.connect(CLIENT, server.uri(), events);

            assertEquals(new Close(ClientFrame.NO_STATUS_RECEIVED, ""), events.next(Close.class));
            server.awaitScripts(TIMEOUT);
        }
    }

    @Test
    void frameHeadersUseTheShortestLengthEncoding() {
        assertArrayEquals(bytes(0x82, 125), header(125, 2));
        assertArrayEquals(bytes(0x82, 126, 0x00, 0x7E), header(126, 4));
        assertArrayEquals(bytes(0x82, 126, 0xFF, 0xFF), header(65_535, 4));
        assertArrayEquals(bytes(0x82, 127, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00), header(65_536, 10));
        assertArrayEquals(bytes(0x82, 127, 0, 0, 0, 0, 0, 0x01, 0x18, 0x00), header(70 * 1024, 10));
        // FIN clear, and a reserved opcode sent as asked.
        assertArrayEquals(bytes(0x03, 0), ScriptedConnection.encodeFrame(0x3, false, new byte[0]));
    }

    @Test
    void payloadsOfEveryLengthEncodingSurviveBothDirections() throws Exception {
        int[] lengths = {0, 125, 126, 1000, 65_535, 65_536, 70 * 1024};
        try (ScriptedServer server = ScriptedServer.start(connection -> {
            for (int length : lengths) {
                ClientFrame frame = connection.readFrame();
                assertEquals(BINARY, frame.opcode());
                assertArrayEquals(pattern(length), frame.payload(), "client frame of " + length + " bytes");
            }
            for (int length : lengths) {
                connection.sendBinary(pattern(length));
            }
            answerClose(connection);
        })) {
            RecordingListener events = new RecordingListener();
            WebSocket ws = RecordingListener.connect(CLIENT, server.uri(), events);

            // The client speaks first on purpose. Large frames that reach the JDK client in the
            // same read as the 101 response are occasionally corrupted by the JDK itself (seen on
            // JDK 17 and 25, about one run in 150); this test is about our framing, not that bug.
            for (int length : lengths) {
                send(ws.sendBinary(ByteBuffer.wrap(pattern(length)), true));
            }
            for (int length : lengths) {
                assertArrayEquals(pattern(length), events.nextBinaryMessage(), "server frame of " + length + " bytes");
            }
            closeNormally(ws, events);
            server.awaitScripts(TIMEOUT);
        }
    }

    @Test
    void firstOfferedSubprotocolIsSelectedOnlyWhenAskedFor() throws Exception {
        try (ScriptedServer plain = ScriptedServer.start(ScriptedServerTest::answerClose);
                ScriptedServer echoing = ScriptedServer.builder().echoFirstSubprotocol()
                        .start(ScriptedServerTest::answerClose)) {
            for (ScriptedServer server : List.of(plain, echoing)) {
                RecordingListener events = new RecordingListener();
                WebSocket ws = RecordingListener.connect(
                        CLIENT.newWebSocketBuilder().subprotocols("chat", "superchat"), server.uri(), events);

                assertEquals(server == echoing ? "chat" : "", ws.getSubprotocol());
                closeNormally(ws, events);
                server.awaitScripts(TIMEOUT);
            }
        }
    }

    @Test
    void manualHandshakeLetsTheScriptSendABrokenResponse() throws Exception {
        try (ScriptedServer server = ScriptedServer.builder().manualHandshake().start(connection -> {
            connection.sendRaw(("HTTP/1.1 101 Switching Protocols\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: not-" + connection.acceptKey() + "\r\n"
                    + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            connection.awaitClientClosed(TIMEOUT);
        })) {
            CompletableFuture<WebSocket> connecting =
                    CLIENT.newWebSocketBuilder().buildAsync(server.uri(), new RecordingListener());

            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> connecting.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            // The JDK names the bad header only in the cause of its WebSocketHandshakeException.
            WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
            assertTrue(String.valueOf(handshake.getCause()).contains("Sec-WebSocket-Accept"), handshake::toString);
            server.awaitScripts(TIMEOUT);
        }
    }

    @Test
    void eachConnectionRunsTheScriptWithItsOwnNumber() throws Exception {
        Set<Integer> ids = ConcurrentHashMap.newKeySet();
        try (ScriptedServer server = ScriptedServer.start(connection -> {
            ids.add(connection.id());
            answerClose(connection);
        })) {
            for (int i = 0; i < 2; i++) {
                RecordingListener events = new RecordingListener();
                closeNormally(RecordingListener.connect(CLIENT, server.uri(), events), events);
            }
            server.awaitScripts(TIMEOUT);
            assertEquals(Set.of(1, 2), ids);
            assertEquals(2, server.connectionCount());
        }
    }

    @Test
    void aFailingScriptFailsTheTestOnce() throws Exception {
        // close() at the end of the block must not throw: the failure has been reported already.
        try (ScriptedServer server = ScriptedServer.start(connection -> {
            throw new IllegalStateException("script gave up");
        })) {
            RecordingListener.connect(CLIENT, server.uri(), new RecordingListener());

            AssertionError failure = assertThrows(AssertionError.class, () -> server.awaitScripts(TIMEOUT));

            assertInstanceOf(IllegalStateException.class, failure.getCause());
            assertTrue(failure.getMessage().contains("script gave up"), failure::getMessage);
        }
    }

    @Test
    void aStuckScriptIsReportedAndCloseStopsIt() throws Exception {
        String threadPrefix;
        try (ScriptedServer server = ScriptedServer.start(connection -> connection.readFrame(Duration.ofMinutes(1)))) {
            threadPrefix = "scripted-server-" + server.uri().getPort();
            RecordingListener.connect(CLIENT, server.uri(), new RecordingListener());

            AssertionError stuck = assertThrows(AssertionError.class, () -> server.awaitScripts(Duration.ofMillis(100)));

            assertTrue(stuck.getMessage().contains("still running"), stuck::getMessage);
            // The cause shows where the script is blocked.
            StackTraceElement[] where = stuck.getCause().getStackTrace();
            assertTrue(Arrays.stream(where).anyMatch(frame -> frame.getMethodName().equals("readFrame")),
                    () -> Arrays.toString(where));
        }
        // close() has not thrown: the socket it closed under the blocked script is not the script's
        // failure. And it has ended the script's thread.
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith(threadPrefix) && thread.isAlive()));
    }

    /** The usual end of a script: wait for the client's Close and answer it in kind. */
    private static void answerClose(ScriptedConnection connection) throws Exception {
        ClientFrame close = connection.readUntil(CLOSE);
        connection.sendClose(close.closeCode(), close.closeReason());
    }

    private static void closeNormally(WebSocket ws, RecordingListener events) throws Exception {
        send(ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
        assertEquals(new Close(WebSocket.NORMAL_CLOSURE, "bye"), events.next(Close.class));
    }

    private static void send(CompletableFuture<WebSocket> sending) throws Exception {
        sending.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static byte[] header(int payloadLength, int headerLength) {
        byte[] frame = ScriptedConnection.encodeFrame(BINARY, true, new byte[payloadLength]);
        assertEquals(headerLength + payloadLength, frame.length);
        return Arrays.copyOf(frame, headerLength);
    }

    /** Distinct content for each length, so that a mixed-up or truncated payload shows. */
    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + length);
        }
        return bytes;
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
