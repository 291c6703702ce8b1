package dev.framewire;

import static dev.framewire.testing.Clients.SHORT;
import static dev.framewire.testing.Clients.WAIT;
import static dev.framewire.testing.Refusals.assertRefused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testing.Refusals;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.WireFrame;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every argument check of the public API, in one place: bad input to {@link FrameSocket}, its
 * {@code Builder} (header names and values at the edges of what HTTP allows, subprotocols,
 * durations, sizes, URIs) and {@link Reconnector} is refused with a clear message that names the
 * value, before a single byte is sent; input just inside a limit is sent.
 *
 * <p>The sockets here do not consume Pongs, so a Ping that slipped out would show up as a PONG
 * frame; {@link #assertNothingWasSent} then proves that the next frame the echo server sends back
 * is the one valid message sent after the refused calls.
 */
@Timeout(30)
class ArgumentChecksTest {

    @RegisterExtension
    static final EchoServerExtension server = new EchoServerExtension();
    private static final Duration SECOND = Duration.ofSeconds(1);

    private static FrameSocket connect() throws IOException {
        return FrameSocket.newBuilder().pongAutoConsume(false).readTimeout(WAIT).connect(server.uri());
    }

    private static void assertNothingWasSent(FrameSocket ws) throws IOException {
        Refusals.assertNothingWasSent(ws, WAIT);
    }

    private static void assertNpe(String parameter, Executable call) {
        Refusals.assertRefused(NullPointerException.class, parameter, call);
    }

    private static void assertIae(String mentioned, Executable call) {
        Refusals.assertRefused(IllegalArgumentException.class, mentioned, call);
    }

    // ------------------------------------------------------------------------- nulls

    @Test
    void nullArgumentsOfSocketMethodsAreRefusedNamingTheParameter() throws IOException {
        try (FrameSocket ws = connect()) {
            assertNpe("text", () -> ws.sendFrame((CharSequence) null, true));
            assertNpe("data", () -> ws.sendFrame((ByteBuffer) null, true));
            assertNpe("data", () -> ws.sendFrame((byte[]) null, true));
            assertNpe("message", () -> ws.sendText(null));
            assertNpe("message", () -> ws.sendBinary((ByteBuffer) null));
            assertNpe("message", () -> ws.sendBinary((byte[]) null));
            assertNpe("payload", () -> ws.sendPing((CharSequence) null));
            assertNpe("payload", () -> ws.sendPing((ByteBuffer) null));
            assertNpe("payload", () -> ws.sendPing((byte[]) null));
            assertNpe("payload", () -> ws.sendPong((ByteBuffer) null));
            assertNpe("payload", () -> ws.sendPong((byte[]) null));
            assertNpe("payload", () -> ws.sendPong((CharSequence) null));
            assertNpe("reason", () -> ws.sendClose(1000, null));
            assertNpe("timeout", () -> ws.ping(null));
            assertNpe("timeout", () -> ws.readFrame(null));
            assertNpe("timeout", () -> ws.readMessage(null));
            assertNothingWasSent(ws);
        }
    }

    @Test
    void nullArgumentsOfTheBuilderAreRefusedNamingTheParameter() {
        FrameSocket.Builder b = FrameSocket.newBuilder();
        assertNpe("header name", () -> b.header(null, "v"));
        assertNpe("header value", () -> b.header("X-A", null));
        assertNpe("subprotocols", () -> b.subprotocols((String[]) null));
        assertNpe("subprotocol", () -> b.subprotocols("chat", null));
        assertNpe("connectTimeout", () -> b.connectTimeout(null));
        assertNpe("readTimeout", () -> b.readTimeout(null));
        assertNpe("sendTimeout", () -> b.sendTimeout(null));
        assertNpe("closeTimeout", () -> b.closeTimeout(null));
        assertNpe("httpClient", () -> b.httpClient((HttpClient) null));
        assertNpe("interval", () -> b.keepAlive(null, Duration.ofSeconds(1)));
        assertNpe("timeout", () -> b.keepAlive(Duration.ofSeconds(1), null));
        assertNpe("readSpin", () -> b.readSpin(null));
        assertNpe("uri", () -> b.connect(null));
        assertNpe("uri", () -> FrameSocket.connect(null));
    }

    // ------------------------------------------------------------------------- control payloads

    @Test
    void pingPayloadsOver125BytesAreRefusedNamingTheSize() throws IOException {
        try (FrameSocket ws = connect()) {
            assertIae("126", () -> ws.sendPing("p".repeat(126)));
            assertIae("126", () -> ws.sendPing("\u00e9".repeat(63))); // 63 chars, 126 UTF-8 bytes
            // framewire's words, not the JDK's (which refuses such a payload too, but later)
            assertIae("Ping payload is 126 bytes, at most 125 allowed", () -> ws.sendPing(ByteBuffer.allocate(126)));
            assertIae("Pong payload is 126 bytes, at most 125 allowed", () -> ws.sendPong(ByteBuffer.allocate(126)));
            assertIae("unpaired surrogate", () -> ws.sendPing("a\uD800"));
            assertNothingWasSent(ws);
        }
    }

    @Test
    void pingPayloadsOfExactly125BytesAreSentAndAnswered() throws IOException {
        try (FrameSocket ws = connect()) {
            String text = "\u00e9".repeat(62) + "a"; // 125 UTF-8 bytes
            ws.sendPing(text);
            Frame pong = ws.readFrame(WAIT);
            assertEquals(Opcode.PONG, pong.opcode());
            assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), pong.bytes());

            byte[] bytes = new byte[125];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) i;
            }
            ws.sendPing(ByteBuffer.wrap(bytes));
            Frame binaryPong = ws.readFrame(WAIT);
            assertEquals(Opcode.PONG, binaryPong.opcode());
            assertArrayEquals(bytes, binaryPong.bytes());
            assertNothingWasSent(ws);
        }
    }

    // ------------------------------------------------------------------------- close codes

    @ParameterizedTest
    @ValueSource(ints = {999, 1004, 1005, 1006, 1015, 1002, 1003, 1007, 1009, 1010, 1012, 2999, 5000})
    void closeCodesAClientMayNotSendAreRefusedAndTheConnectionStaysOpen(int code) throws IOException {
        try (FrameSocket ws = connect()) {
            assertIae(String.valueOf(code), () -> ws.sendClose(code, "no"));
            assertEquals(Optional.empty(), ws.closeStatus());
            assertNothingWasSent(ws);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1008, 1011, 3000, 4999})
    void closeCodesAClientMaySendAreSentAndEchoed(int code) throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendClose(code, "ok");
            Frame close = ws.readFrame(WAIT);
            assertEquals(Opcode.CLOSE, close.opcode());
            assertEquals(Optional.of(new CloseStatus(code, "ok")), close.closeStatus());
        }
    }

    @Test
    void aCloseReasonOf124Utf8BytesIsRefused() throws IOException {
        try (FrameSocket ws = connect()) {
            String reason = "\u00e9".repeat(62); // 62 chars, 124 UTF-8 bytes
            assertIae("124", () -> ws.sendClose(1000, reason));
            assertIae("unpaired surrogate", () -> ws.sendClose(1000, "bye\uDC00"));
            assertNothingWasSent(ws);
        }
    }

    @Test
    void aCloseReasonOf123Utf8BytesIsSent() throws IOException {
        try (FrameSocket ws = connect()) {
            String reason = "\u00e9".repeat(61) + "a"; // 123 UTF-8 bytes
            ws.sendClose(1000, reason);
            Frame close = ws.readFrame(WAIT);
            assertEquals(Opcode.CLOSE, close.opcode());
            assertEquals(Optional.of(new CloseStatus(1000, reason)), ws.closeStatus());
        }
    }

    // ------------------------------------------------------------------------- builder

    @Test
    void headerValuesWithLineBreaksAreRefusedNamingTheValue() {
        FrameSocket.Builder b = FrameSocket.newBuilder();
        assertIae("Injected", () -> b.header("X-A", "a\r\nInjected: 1"));
        assertIae("U+000A", () -> b.header("X-A", "a\nb"));
        assertIae("X-A", () -> b.header("X-A", "a\rb"));
    }

    @Test
    void headersTheHandshakeSetsItselfAreRefusedNamingTheHeader() {
        FrameSocket.Builder b = FrameSocket.newBuilder();
        for (String name : new String[] {"Sec-WebSocket-Key", "Host", "Connection", "Upgrade", "sec-websocket-key"}) {
            assertIae(name, () -> b.header(name, "x"));
        }
    }

    @Test
    void invalidHeaderNamesAreRefusedNamingTheName() {
        FrameSocket.Builder b = FrameSocket.newBuilder();
        assertIae("Bad Name", () -> b.header("Bad Name", "x"));
        assertIae("Bad:Name", () -> b.header("Bad:Name", "x"));
    }

    @Test
    void invalidOrDuplicateSubprotocolsAreRefusedNamingTheSubprotocol() {
        FrameSocket.Builder b = FrameSocket.newBuilder();
        assertIae("super chat", () -> b.subprotocols("chat", "super chat"));
        assertIae("chat", () -> b.subprotocols("chat", "superchat", "chat"));
    }

    @Test
    void zeroAndNegativeDurationsAreRefusedNamingTheSettingAndValue() {
        FrameSocket.Builder b = FrameSocket.newBuilder();
        Duration zero = Duration.ZERO;
        Duration negative = Duration.ofSeconds(-1);
        assertIae("connectTimeout", () -> b.connectTimeout(zero));
        assertIae("connectTimeout: 0 ns", () -> b.connectTimeout(zero));
        assertIae("connectTimeout: -1 s", () -> b.connectTimeout(negative));
        assertIae("readTimeout", () -> b.readTimeout(zero));
        assertIae("readTimeout: -1 s", () -> b.readTimeout(negative));
        assertIae("sendTimeout", () -> b.sendTimeout(zero));
        assertIae("sendTimeout: -1 s", () -> b.sendTimeout(negative));
        assertIae("closeTimeout", () -> b.closeTimeout(zero));
        assertIae("closeTimeout: -1 s", () -> b.closeTimeout(negative));
        assertIae("interval", () -> b.keepAlive(zero, Duration.ofSeconds(1)));
        assertIae("keepAlive timeout: -1 s", () -> b.keepAlive(Duration.ofSeconds(1), negative));
        assertIae("readSpin: -1 s", () -> b.readSpin(negative));
        b.readSpin(zero); // zero is the default: no spinning
    }

    @Test
    void nonPositiveSizesAreRefusedNamingTheValue() {
        FrameSocket.Builder b = FrameSocket.newBuilder();
        assertIae("maxMessageSize: 0", () -> b.maxMessageSize(0));
        assertIae("-5", () -> b.maxMessageSize(-5));
        assertIae("maxQueuedParts: 0", () -> b.maxQueuedParts(0));
    }

    @Test
    void negativeReadAndNonPositivePingTimeoutsAreRefusedNamingTheValue() throws IOException {
        try (FrameSocket ws = connect()) {
            assertIae("timeout: -1 ms", () -> ws.readFrame(Duration.ofMillis(-1)));
            assertIae("timeout: -1 ms", () -> ws.readMessage(Duration.ofMillis(-1)));
            assertIae("timeout: -2 s", () -> ws.readMessageStream(Duration.ofSeconds(-2)));
            assertIae("timeout: 0 ns", () -> ws.ping(Duration.ZERO)); // zero polls a read; a ping cannot poll
            assertNothingWasSent(ws);
        }
    }

    @Test
    void urisThatAreNotWebSocketUrisAreRefusedNamingTheUriWithoutConnecting() {
        int port = server.uri().getPort();
        int opened = server.connectionsOpened();
        for (String uri : new String[] {
                "http://127.0.0.1:" + port + "/echo",
                "https://127.0.0.1:" + port + "/echo",
                "ftp://127.0.0.1:" + port + "/echo",
                "/echo",
                "ws:///echo",
                "ws://127.0.0.1:" + port + "/echo#fragment"}) {
            assertIae(uri, () -> FrameSocket.connect(URI.create(uri)));
            assertIae(uri, () -> FrameSocket.newBuilder().connect(URI.create(uri)));
        }
        assertEquals(opened, server.connectionsOpened(), "no refused URI reached the server");
    }

    // ------------------------------------------------------------------------- surrogates

    @Test
    void wholeTextWithAnUnpairedSurrogateIsRefused() throws IOException {
        try (FrameSocket ws = connect()) {
            assertIae("U+D800", () -> ws.sendText("a\uD800b"));
            assertIae("U+DC00", () -> ws.sendText("a\uDC00"));
            assertIae("surrogate", () -> ws.sendFrame("ab\uD83D", true)); // a final frame cannot hold a half pair
            assertNothingWasSent(ws);
        }
    }

    @Test
    void aSurrogatePairSplitAcrossTwoFramesIsSentWhole() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("ab\uD83D", false);
            ws.sendFrame("\uDE00c", true);
            Message echo = ws.readMessage(WAIT);
            assertEquals(Opcode.TEXT, echo.type());
            assertEquals("ab\uD83D\uDE00c", echo.text());
            assertNothingWasSent(ws);
        }
    }

    @Test
    void aFrameAfterAHeldHighSurrogateMustStartWithItsLowSurrogate() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("ab\uD83D", false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ws.sendFrame("x", true));
            assertTrue(e.getMessage().contains("low surrogate"), e.getMessage());
            assertTrue(e.getMessage().contains("U+D83D"), e.getMessage());

            // Only the part before the high surrogate went out; the refused "x" did not.
            Frame first = ws.readFrame(WAIT);
            assertEquals(Opcode.TEXT, first.opcode());
            assertEquals("ab", first.text());
            assertThrows(ReadTimeoutException.class, () -> ws.readFrame(SHORT));
            assertTrue(ws.isOpen());
        }
    }

    @Test
    void headerNamesMayUseEveryTokenCharacterUpToTheRangeEdges() {
        FrameSocket.Builder b = FrameSocket.newBuilder();
        for (String name : new String[] {"X-09", "x-az", "X-AZ", "!#$%&'*+-.^_`|~"}) {
            assertDoesNotThrow(() -> b.header(name, "v"), name);
        }
        for (String name : new String[] {"X/", "X:", "X@", "X[", "X`{", "", "X Y"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.header(name, "v"), name);
            assertEquals("Invalid header name: \"" + name + "\"", e.getMessage());
        }
        assertDoesNotThrow(() -> b.subprotocols("v1.chat", "Z0"));
        assertThrows(IllegalArgumentException.class, () -> b.subprotocols("a/b"));
    }

    @Test
    void headerValuesMayHoldVisibleLatin1SpaceAndTab() {
        FrameSocket.Builder b = FrameSocket.newBuilder();
        assertDoesNotThrow(() -> b.header("X", " \t~\u00A0\u00FF"));
        for (char bad : new char[] {'\u001F', '\u007F', '\u0100', '\n'}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.header("X", "a" + bad));
            assertEquals(String.format("Invalid character U+%04X at index 1", (int) bad),
                    e.getMessage().substring(0, e.getMessage().indexOf(" in the value")));
        }
    }

    @Test
    void argumentsAreCheckedWithTheValuesNamed() {
        FrameSocket.Builder b = FrameSocket.newBuilder();
        assertRefused(IllegalArgumentException.class, "http://example.com/", () -> b.reconnector(URI.create("http://example.com/")));
        assertRefused(IllegalArgumentException.class, "#frag", () -> b.reconnector(URI.create("ws://example.com/#frag")));
        assertRefused(NullPointerException.class, "uri", () -> b.reconnector(null));
        Reconnector r = b.reconnector(URI.create("ws://example.com/"));
        assertRefused(IllegalArgumentException.class, "initial 2 s, max 1 s", () -> r.backoff(Duration.ofSeconds(2), SECOND));
        assertRefused(IllegalArgumentException.class, "backoff initial: 0 ns", () -> r.backoff(Duration.ZERO, SECOND));
        assertRefused(IllegalArgumentException.class, "backoff max: -1 s", () -> r.backoff(SECOND, Duration.ofSeconds(-1)));
        assertRefused(NullPointerException.class, "backoff max", () -> r.backoff(SECOND, null));
        assertRefused(IllegalArgumentException.class, "maxAttempts: 0", () -> r.maxAttempts(0));
        assertRefused(IllegalArgumentException.class, "maxAttempts: -3", () -> r.maxAttempts(-3));
        assertRefused(IllegalArgumentException.class, "resetAfter: 0 ns", () -> r.resetAfter(Duration.ZERO));
        assertEquals(URI.create("ws://example.com/"), r.uri());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void closeRefusesACodeOrReasonBeforeSendingAnything() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendText("still open");
            c.readUntil(WireFrame.CLOSE);
            c.sendClose(1000, "");
        }); FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(server.uri())) {
            IllegalArgumentException code = assertThrows(IllegalArgumentException.class, () -> ws.close(1006, ""));
            assertEquals(true, code.getMessage().contains("1006"), code.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ws.close(1000, "x".repeat(124)));
            assertThrows(NullPointerException.class, () -> ws.close(1000, null));
            assertEquals("still open", ws.readMessage().text(), "nothing was sent, the connection is open");
        }
    }
}
