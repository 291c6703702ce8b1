package dev.framewire;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.internal.connection.Settings;
import dev.framewire.internal.reconnect.FakeRetryClock;
import dev.framewire.internal.reconnect.RetryClock;
import dev.framewire.testing.ScriptedConnection;
import dev.framewire.testing.ScriptedServer;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/reconnecting.md: {@link Reconnector} against real servers: a scripted one that refuses,
 * accepts and drops as each test says, WireMock for refusals, and closed or silent ports. The
 * backoff is observed through a clock that records each wait instead of sleeping, with the jitter
 * at the top of its window, so that waits are exact and no test waits through them. Its argument
 * checks are {@link ArgumentChecksTest}'s.
 */
@Timeout(30)
class ReconnectingTest {

    private static final Duration SECOND = Duration.ofSeconds(1);

    private static WireMockServer wireMock;

    private final FakeRetryClock clock = new FakeRetryClock();

    @BeforeAll
    static void startWireMock() {
        wireMock = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        wireMock.start();
    }

    @AfterAll
    static void stopWireMock() {
        wireMock.stop();
    }

    private Reconnector reconnector(FrameSocket.Builder settings, URI uri) {
        return new Reconnector(settings.readTimeout(Duration.ofSeconds(10)).settings(), uri, clock, ceiling -> ceiling);
    }

    private Reconnector reconnector(URI uri) {
        return reconnector(FrameSocket.newBuilder().connectTimeout(Duration.ofSeconds(5)), uri);
    }

    private static List<Duration> millis(long... values) {
        return Arrays.stream(values).mapToObj(Duration::ofMillis).toList();
    }

    /** Answers the upgrade request with an HTTP error, as a server in trouble or a proxy in front of it would. */
    private static void refuse(ScriptedConnection c, int status, String... headerLines) throws IOException {
        StringBuilder response = new StringBuilder("HTTP/1.1 ").append(status).append(" Refused\r\n");
        for (String line : headerLines) {
            response.append(line).append("\r\n");
        }
        response.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
        c.sendRaw(response.toString().getBytes(StandardCharsets.ISO_8859_1));
        c.closeTcp();
    }

    /** Upgrades, answers the client's first message, then drops the TCP connection: the client sees 1006. */
    private static void acceptThenDrop(ScriptedConnection c) throws IOException {
        c.acceptUpgrade();
        String asked = c.readUntil(ScriptedConnection.TEXT).text();
        c.sendText("hello " + asked);
        c.closeTcp();
    }

    /** Upgrades, then answers the client's Close: a normal end. */
    private static void acceptUntilClosed(ScriptedConnection c) throws IOException {
        c.acceptUpgrade();
        c.sendClose(c.readUntil(ScriptedConnection.CLOSE).closeCode(), "");
    }

    private static void assertDropped(FrameSocket ws) throws IOException {
        ws.sendText("me");
        assertEquals("hello me", ws.readMessage().text());
        ConnectionClosedException end = assertThrows(ConnectionClosedException.class, ws::readMessage);
        assertEquals(CloseStatus.ABNORMAL_CLOSURE, end.closeStatus().code());
    }

    /** The next {@code connect()} waits exactly {@code expected} before it succeeds; then it closes normally. */
    private void assertNextConnectWaits(Reconnector r, List<Duration> expected, String why) throws IOException {
        try (FrameSocket next = r.connect()) {
            assertEquals(expected, clock.takeSleeps(), why);
            assertTrue(next.isOpen());
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    // ---------------------------------------------------------------- retrying

    @Test
    void refusalsAreRetriedHonouringRetryAfterAndADropMakesTheNextConnectWait() throws Exception {
        try (ScriptedServer server = ScriptedServer.builder().manualHandshake().start(c -> {
            switch (c.id()) {
                case 1 -> refuse(c, 503, "Retry-After: 3");
                case 2 -> refuse(c, 500);
                case 3 -> acceptThenDrop(c);
                default -> acceptUntilClosed(c);
            }
        })) {
            Reconnector r = reconnector(server.uri());
            FrameSocket first = r.connect();
            assertEquals(List.of(Duration.ofSeconds(3), SECOND), clock.takeSleeps(),
                    "Retry-After 3 over a 500 ms window, then the doubled window");
            assertEquals(3, server.connectionCount());
            assertDropped(first);

            assertNextConnectWaits(r, millis(2000), "the outage goes on: the window doubles again");
            server.awaitScripts(Duration.ofSeconds(10));
        }
    }

    @Test
    void aConnectionThatLastedLongEnoughResetsTheBackoff() throws Exception {
        try (ScriptedServer server = ScriptedServer.builder().manualHandshake().start(c -> {
            switch (c.id()) {
                case 1 -> refuse(c, 502);
                case 2 -> acceptThenDrop(c);
                default -> acceptUntilClosed(c);
            }
        })) {
            Reconnector r = reconnector(server.uri()).resetAfter(Duration.ofMinutes(1));
            FrameSocket first = r.connect();
            assertEquals(millis(500), clock.takeSleeps());
            clock.advance(Duration.ofMinutes(1));
            assertDropped(first);
            assertNextConnectWaits(r, millis(500), "back to the first window, not the second");
            server.awaitScripts(Duration.ofSeconds(10));
        }
    }

    @Test
    void afterANormalCloseTheNextConnectGoesAtOnce() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readUntil(ScriptedConnection.TEXT);
            c.sendClose(CloseStatus.NORMAL_CLOSURE, "done");
            c.awaitClientClosed(Duration.ofSeconds(10));
        })) {
            Reconnector r = reconnector(server.uri());
            for (int round = 0; round < 2; round++) {
                try (FrameSocket ws = r.connect()) {
                    ws.sendText("bye");
                    assertThrows(ConnectionClosedException.class, ws::readMessage);
                    assertEquals(1000, ws.closeStatus().orElseThrow().code());
                }
            }
            assertEquals(List.of(), clock.sleeps());
            assertEquals(2, server.connectionCount());
        }
    }

    @Test
    void aClosedPortIsRetriedUntilTheAttemptsRunOutThenTheLastFailureIsThrown() throws IOException {
        URI nobody = URI.create("ws://127.0.0.1:" + closedPort() + "/");
        Reconnector r = reconnector(nobody).maxAttempts(3);
        WebSocketException e = assertThrows(WebSocketException.class, r::connect);
        assertFalse(e instanceof HandshakeException, e.toString());
        assertEquals(2, e.getSuppressed().length, "the two earlier attempts");
        for (Throwable earlier : e.getSuppressed()) {
            assertInstanceOf(WebSocketException.class, earlier);
            assertNotSame(e, earlier);
        }
        assertEquals(millis(500, 1000), clock.sleeps());
    }

    @Test
    void aConnectTimeoutIsRetried() throws IOException {
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            URI uri = URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/");
            Reconnector r = reconnector(FrameSocket.newBuilder().connectTimeout(Duration.ofMillis(300)), uri).maxAttempts(2);
            WebSocketException e = assertThrows(WebSocketException.class, r::connect);
            assertTrue(e.getMessage().contains("did not complete within"), e.getMessage());
            assertEquals(1, e.getSuppressed().length);
            assertEquals(millis(500), clock.sleeps());
        }
    }

    // ---------------------------------------------------------------- failing at once (WireMock)

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404})
    void aRefusalThatIsNotTransientFailsAtOnce(int status) throws IOException {
        String path = "/refuse/" + status;
        wireMock.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(status)));
        Reconnector r = reconnector(URI.create("ws://127.0.0.1:" + wireMock.port() + path));
        HandshakeException e = assertThrows(HandshakeException.class, r::connect);
        assertEquals(status, e.statusCode());
        assertEquals(List.of(), clock.sleeps());
        wireMock.verify(1, getRequestedFor(urlEqualTo(path)));
    }

    @Test
    void aScenarioOf503WithARetryAfterDateThen500Then403() throws IOException {
        String path = "/scenario";
        Instant inTenSeconds = clock.now().plusSeconds(10);
        String date = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(inTenSeconds.atZone(java.time.ZoneOffset.UTC));
        wireMock.stubFor(get(urlEqualTo(path)).inScenario("outage").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", date)).willSetStateTo("overloaded"));
        wireMock.stubFor(get(urlEqualTo(path)).inScenario("outage").whenScenarioStateIs("overloaded")
                .willReturn(aResponse().withStatus(500)).willSetStateTo("misconfigured"));
        wireMock.stubFor(get(urlEqualTo(path)).inScenario("outage").whenScenarioStateIs("misconfigured")
                .willReturn(aResponse().withStatus(403)));

        Reconnector r = reconnector(URI.create("ws://127.0.0.1:" + wireMock.port() + path));
        HandshakeException e = assertThrows(HandshakeException.class, r::connect);
        assertEquals(403, e.statusCode());
        assertEquals(List.of(503, 500), Arrays.stream(e.getSuppressed())
                .map(s -> ((HandshakeException) s).statusCode()).toList());
        assertEquals(List.of(Duration.ofSeconds(10), SECOND), clock.sleeps(), "the date's 10 s, then the second window");
        wireMock.verify(3, getRequestedFor(urlEqualTo(path)));
    }

    // ---------------------------------------------------------------- interrupts

    @Test
    void anInterruptDuringTheWaitEndsConnectWithInterruptedIOException() throws Exception {
        URI nobody = URI.create("ws://127.0.0.1:" + closedPort() + "/");
        CountDownLatch waiting = new CountDownLatch(1);
        RetryClock realButWatched = new RetryClock() {
            @Override
            public long nanoTime() {
                return RetryClock.SYSTEM.nanoTime();
            }

            @Override
            public Instant now() {
                return RetryClock.SYSTEM.now();
            }

            @Override
            public void sleep(long nanos) throws InterruptedException {
                waiting.countDown();
                RetryClock.SYSTEM.sleep(nanos);
            }
        };
        Reconnector r = new Reconnector(FrameSocket.newBuilder().settings(), nobody, realButWatched, ceiling -> ceiling)
                .backoff(Duration.ofHours(1), Duration.ofHours(1));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread connecting = new Thread(() -> {
            try {
                r.connect().abort();
            } catch (Throwable t) {
                thrown.set(t);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        connecting.start();
        assertTrue(waiting.await(10, TimeUnit.SECONDS), "connect() never began to wait");
        connecting.interrupt();
        connecting.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(connecting.isAlive(), "connect() went on waiting after the interrupt");
        InterruptedIOException e = assertInstanceOf(InterruptedIOException.class, thrown.get());
        assertTrue(e.getMessage().contains(nobody.toString()), e.getMessage());
        assertEquals(1, e.getSuppressed().length, "the refused attempt before the wait");
        assertTrue(stillInterrupted.get(), "the interrupt status is kept");
    }

    // ---------------------------------------------------------------- the builder's settings

    @Test
    void theReconnectorKeepsTheBuilderSettingsOfTheMomentItWasMade() throws Exception {
        Queue<Map<String, List<String>>> requests = new ConcurrentLinkedQueue<>();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            requests.add(c.requestHeaders());
            c.sendClose(c.readUntil(ScriptedConnection.CLOSE).closeCode(), "");
        })) {
            FrameSocket.Builder builder = FrameSocket.newBuilder().header("X-Token", "one");
            Reconnector r = builder.reconnector(server.uri());
            builder.header("X-Token", "two").subprotocols("late");
            r.connect().close();
            builder.connect(server.uri()).close();
            server.awaitScripts(Duration.ofSeconds(10));
            Map<String, List<String>> fromReconnector = requests.remove();
            assertEquals(List.of("one"), fromReconnector.get("X-Token"));
            assertNull(fromReconnector.get("Sec-WebSocket-Protocol"));
            assertEquals(List.of("one", "two"), requests.remove().get("X-Token"), "the builder itself changed");
        }
    }

    /**
     * The builder's settings are one immutable value: every field of the builder is a component of
     * {@code Settings} (which the builder makes with the canonical constructor, so a setting
     * forgotten there does not compile), each carries the value set, and later changes to the
     * builder do not reach a value made before them, which the {@link Reconnector} holds.
     */
    @Test
    void theBuildersSettingsAreOneValueThatLaterChangesDoNotReach() throws Exception {
        List<String> fields = new ArrayList<>();
        for (Field f : FrameSocket.Builder.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                fields.add(f.getName());
            }
        }
        List<String> components = new ArrayList<>();
        for (RecordComponent c : Settings.class.getRecordComponents()) {
            components.add(c.getName());
        }
        assertEquals(components, fields, "a builder field without a Settings component would be lost");

        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        FrameSocket.Builder original = FrameSocket.newBuilder()
                .header("A", "b").subprotocols("x").connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(2)).sendTimeout(Duration.ofSeconds(3)).closeTimeout(Duration.ofSeconds(4))
                .pongAutoConsume(false).deliverPings(true).maxMessageSize(5).maxQueuedParts(6)
                .httpClient(client).keepAlive(Duration.ofSeconds(7), Duration.ofSeconds(8))
                .readSpin(Duration.ofMillis(9));
        Settings settings = original.settings();
        assertEquals(new Settings(List.of(Map.entry("A", "b")), List.of("x"), Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(3), Duration.ofSeconds(4), false, true, 5, 6, client, Duration.ofSeconds(7),
                Duration.ofSeconds(8), Duration.ofMillis(9)), settings);
        for (RecordComponent c : Settings.class.getRecordComponents()) {
            assertNotEquals(c.getAccessor().invoke(Settings.DEFAULTS), c.getAccessor().invoke(settings),
                    c.getName() + " was not set by this test");
        }
        assertEquals(Settings.DEFAULTS, FrameSocket.newBuilder().settings(), "a new builder has the defaults");
        original.header("C", "d").subprotocols("y");
        assertEquals(List.of(Map.entry("A", "b")), settings.headers(), "the value has lists of its own");
        assertEquals(List.of("x"), settings.subprotocols());
    }

}
