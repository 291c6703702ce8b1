package dev.framewire.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's own promises: connections, scripts and their failures, handshakes, every length encoding. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScriptedServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @Test
    void payloadsOfEveryLengthEncodingSurviveBothDirections() throws Exception {
        int[] lengths = {0, 125, 126, 1000, 65_535, 65_536, 70 * 1024};
        try (ScriptedServer server = ScriptedServer.start(connection -> {
            for (int length : lengths) {
                connection.received().expectBinary(pattern(length));
            }
            for (int length : lengths) {
                connection.sendBinary(pattern(length));
            }
            connection.awaitCloseAndAnswer(WAIT);
        })) {
            JdkClientTest.Events events = new JdkClientTest.Events();
            WebSocket ws = JdkClientTest.connect(CLIENT, server, events);
            // The client speaks first: large frames right behind the 101 are the JDK's greeting loss.
            for (int length : lengths) {
                ws.sendBinary(ByteBuffer.wrap(pattern(length)), true).get(10, TimeUnit.SECONDS);
            }
            for (int length : lengths) {
                assertEquals("binary " + length, events.next());
                assertArrayEquals(pattern(length), events.lastBinary(), "server frame of " + length + " bytes");
            }
            ws.sendClose(1000, "").get(10, TimeUnit.SECONDS);
            assertEquals("close 1000", events.next());
            server.awaitScripts(WAIT);
        }
    }

    @Test
    void theFirstOfferedSubprotocolIsSelectedOnlyWhenAskedFor() throws Exception {
        try (ScriptedServer plain = ScriptedServer.start(Script.holdUntilClientCloses());
             ScriptedServer choosing = ScriptedServer.start(Handshake.accept().firstOfferedSubprotocol())) {
            for (ScriptedServer server : List.of(plain, choosing)) {
                WebSocket ws = CLIENT.newWebSocketBuilder().subprotocols("chat", "superchat")
                        .buildAsync(server.uri(), new JdkClientTest.Events()).get(10, TimeUnit.SECONDS);
                assertEquals(server == choosing ? "chat" : "", ws.getSubprotocol());
                ws.abort();
            }
        }
    }

    @Test
    void aScriptThatAnswersTheHandshakeCanSendABrokenResponse() throws Exception {
        try (ScriptedServer server = ScriptedServer.newBuilder().handshake(Handshake.byScript()).start(connection -> {
            connection.sendRaw(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: not-" + connection.acceptKey() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            connection.awaitClientClosed(WAIT);
        })) {
            ExecutionException refused = assertThrows(ExecutionException.class, () -> CLIENT.newWebSocketBuilder()
                    .buildAsync(server.uri(), new JdkClientTest.Events()).get(10, TimeUnit.SECONDS));
            // The JDK names the bad header only in the cause of its WebSocketHandshakeException.
            WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
            assertTrue(String.valueOf(handshake.getCause()).contains("Sec-WebSocket-Accept"), handshake::toString);
            server.awaitScripts(WAIT);
        }
    }

    @Test
    void eachConnectionRunsItsScriptWithItsOwnNumber() throws Exception {
        Set<Integer> ids = ConcurrentHashMap.newKeySet();
        try (ScriptedServer server = ScriptedServer.start(connection -> {
            ids.add(connection.id());
            connection.awaitCloseAndAnswer(WAIT);
        })) {
            for (int i = 0; i < 2; i++) {
                JdkClientTest.Events events = new JdkClientTest.Events();
                JdkClientTest.connect(CLIENT, server, events).sendClose(1000, "").get(10, TimeUnit.SECONDS);
                assertEquals("close 1000", events.next());
            }
            server.awaitScripts(WAIT);
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
            JdkClientTest.connect(CLIENT, server, new JdkClientTest.Events());
            AssertionError failure = assertThrows(AssertionError.class, () -> server.awaitScripts(WAIT));
            assertInstanceOf(IllegalStateException.class, failure.getCause());
            assertTrue(failure.getMessage().contains("connection #1 failed: java.lang.IllegalStateException: script gave up"),
                    failure::getMessage);
        }
    }

    @Test
    void aStuckScriptIsReportedWithWhereItIsAndCloseStopsIt() throws Exception {
        String threadPrefix;
        try (ScriptedServer server = ScriptedServer.start(connection -> connection.readFrame(Duration.ofMinutes(1)))) {
            threadPrefix = "scripted-server-" + server.port();
            JdkClientTest.connect(CLIENT, server, new JdkClientTest.Events());
            AssertionError stuck = assertThrows(AssertionError.class, () -> server.awaitScripts(Duration.ofMillis(100)));
            assertTrue(stuck.getMessage().contains("is still running after PT0.1S"), stuck::getMessage);
            StackTraceElement[] where = stuck.getCause().getStackTrace();
            assertTrue(Arrays.stream(where).anyMatch(frame -> frame.getMethodName().equals("readFrame")),
                    () -> Arrays.toString(where));
        }
        // close() has not thrown (the socket it closed under the script is not the script's failure),
        // and it has ended the script's thread.
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith(threadPrefix) && thread.isAlive()));
    }

    @Test
    void closeConnectionsEndsTheHeldOnesAndTheServerGoesOn() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(Faults.vanishSilently())) {
            JdkClientTest.connect(CLIENT, server, new JdkClientTest.Events());
            server.nextConnection();
            server.closeConnections();
            server.awaitScripts(Duration.ofMillis(100)); // nothing left to wait for, and no failure
            server.enqueue(connection -> {
                connection.sendText("still here");
                // Held: an end of TCP right behind a message is where the JDK may throw InternalError.
                connection.awaitCloseAndAnswer(WAIT);
            });
            JdkClientTest.Events events = new JdkClientTest.Events();
            JdkClientTest.connect(CLIENT, server, events);
            assertEquals("still here", events.next());
        }
    }

    @Test
    void badArgumentsAreNamed() throws Exception {
        try (ScriptedServer server = ScriptedServer.echo()) {
            assertEquals("a path starts with /: \"chat\"",
                    assertThrows(IllegalArgumentException.class, () -> server.uri("chat")).getMessage());
            assertEquals("sslContext() needs a TLS server: ScriptedServer.newBuilder().tls().start(...)",
                    assertThrows(IllegalStateException.class, server::sslContext).getMessage());
        }
        assertEquals("a write holds at least one byte, not 0",
                assertThrows(IllegalArgumentException.class, () -> Writes.ofSize(0)).getMessage());
    }

    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }
}
