package dev.framewire;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testing.Ports;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Servers that refuse the upgrade (WireMock answering plain HTTP) and servers that cannot be
 * reached or never answer.
 */
@Timeout(30)
class ConnectingTest {

    private static final Duration CONNECT = Duration.ofSeconds(5);

    private static WireMockServer wireMock;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final EchoServerExtension server = new EchoServerExtension();

    @BeforeAll
    static void startWireMock() {
        wireMock = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        wireMock.start();
        wireMock.stubFor(get(urlEqualTo("/status/401")).willReturn(aResponse()
                .withStatus(401)
                .withHeader("WWW-Authenticate", "Bearer realm=\"x\"")));
        for (int status : new int[] {403, 404, 500}) {
            wireMock.stubFor(get(urlEqualTo("/status/" + status)).willReturn(aResponse()
                    .withStatus(status)
                    .withHeader("X-Status", String.valueOf(status))));
        }
        wireMock.stubFor(get(urlEqualTo("/plain")).willReturn(aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "text/html")
                .withBody("<html><body>not a WebSocket</body></html>")));
    }

    @AfterAll
    static void stopWireMock() {
        wireMock.stop();
    }

    private static URI wireMockUri(String path) {
        return URI.create("ws://127.0.0.1:" + wireMock.port() + path);
    }

    private static HandshakeException refusedAt(String path) {
        return assertThrows(HandshakeException.class,
                () -> FrameSocket.newBuilder().connectTimeout(CONNECT).connect(wireMockUri(path)).close());
    }

    @Test
    void unauthorizedGivesTheStatusAndTheChallengeHeader() {
        HandshakeException e = refusedAt("/status/401");
        assertEquals(401, e.statusCode());
        assertEquals(Optional.of("Bearer realm=\"x\""), e.headers().firstValue("WWW-Authenticate"));
        assertTrue(e.getMessage().contains("401"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {403, 404, 500})
    void aRefusingStatusIsReportedWithTheResponseHeaders(int status) {
        HandshakeException e = refusedAt("/status/" + status);
        assertEquals(status, e.statusCode());
        assertEquals(Optional.of(String.valueOf(status)), e.headers().firstValue("X-Status"));
        assertTrue(e.getMessage().contains(String.valueOf(status)), e.getMessage());
        assertTrue(e.getMessage().contains("/status/" + status), "names the URI: " + e.getMessage());
    }

    @Test
    void aPlainWebPageWithoutUpgradeIsARefusedHandshake() {
        HandshakeException e = refusedAt("/plain");
        assertEquals(200, e.statusCode());
        assertEquals(Optional.of("text/html"), e.headers().firstValue("Content-Type"));
        assertTrue(e.getMessage().contains("200"), e.getMessage());
    }

    @Test
    void aClosedPortIsAConnectionFailureNotARefusedHandshake() throws IOException {
        int port = Ports.closed();
        URI uri = URI.create("ws://127.0.0.1:" + port + "/echo");
        WebSocketException e = assertThrows(WebSocketException.class,
                () -> FrameSocket.newBuilder().connectTimeout(CONNECT).connect(uri).close());
        assertFalse(e instanceof HandshakeException, "nobody answered, so nothing was refused: " + e);
        assertNotNull(e.getCause(), "the JDK's failure is the cause");
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void aServerThatAcceptsButNeverAnswersTimesOutAfterTheConnectTimeout() throws IOException {
        try (ServerSocket silent = Ports.silent()) {
            URI uri = URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/echo");
            WebSocketException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(WebSocketException.class,
                            () -> FrameSocket.newBuilder().connectTimeout(Duration.ofMillis(500)).connect(uri).close()));
            assertFalse(e instanceof HandshakeException, "nothing answered: " + e);
            assertTrue(e.getMessage().contains(uri.toString()), e.getMessage());
        }
    }

    @Test
    void theServersChoiceAmongOfferedSubprotocolsIsReported() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder().subprotocols("superchat", "chat").connect(server.uri())) {
            assertEquals("superchat", ws.subprotocol());
            assertEquals("superchat", server.server().lastRequestHeaders().get("Sec-WebSocket-Protocol").stream()
                    .flatMap(v -> List.of(v.split(",")).stream()).map(String::trim).findFirst().orElseThrow());
        }
    }

    @Test
    void withoutOfferedSubprotocolsTheSubprotocolIsEmpty() throws IOException {
        try (FrameSocket ws = FrameSocket.connect(server.uri())) {
            assertEquals("", ws.subprotocol());
        }
    }

    @Test
    void customHeadersReachTheServer() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder()
                .header("Authorization", "Bearer abc")
                .header("X-Trace", "trace-42")
                .connect(server.uri())) {
            assertTrue(ws.isOpen());
            assertEquals("Bearer abc", server.lastRequestHeader("Authorization"));
            assertEquals("trace-42", server.lastRequestHeader("X-Trace"));
        }
    }
}
