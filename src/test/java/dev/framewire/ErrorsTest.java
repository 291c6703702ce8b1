package dev.framewire;

import static dev.framewire.testing.Clients.WAIT;
import static dev.framewire.testing.Clients.scripted;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.JettyEchoServer;
import dev.framewire.testing.Ports;
import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.SelfSignedCertificate;
import dev.framewire.testkit.WireFrame;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.EOFException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * docs/errors.md: every way a connect fails has a message that names the cause and the fix, and
 * the right type: {@link HandshakeException} when something answered in HTTP, a plain
 * {@link WebSocketException} when nothing did. A protocol error by the peer ends the connection
 * as 1006 with the JDK's exception as the cause, after everything that arrived before it.
 */
@Timeout(60)
class ErrorsTest {

    private static final Duration CONNECT = Duration.ofSeconds(5);

    private static WireMockServer http;
    private static SelfSignedCertificate certificate;
    private static JettyEchoServer tls;

    @BeforeAll
    static void startServers() throws Exception {
        http = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        http.start();
        http.stubFor(get(urlEqualTo("/page")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html></html>")));
        http.stubFor(get(urlEqualTo("/moved")).willReturn(aResponse().withStatus(301)
                .withHeader("Location", "wss://elsewhere.example/socket")));
        http.stubFor(get(urlEqualTo("/private")).willReturn(aResponse().withStatus(401)
                .withHeader("WWW-Authenticate", "Basic realm=\"chat\"")));
        http.stubFor(get(urlEqualTo("/missing")).willReturn(aResponse().withStatus(404)));
        http.stubFor(get(urlEqualTo("/broken")).willReturn(aResponse().withStatus(503)));
        certificate = SelfSignedCertificate.forNames("127.0.0.1", "localhost");
        tls = JettyEchoServer.startTls(certificate);
    }

    @AfterAll
    static void stopServers() {
        http.stop();
        tls.close();
    }

    private static URI at(String path) {
        return URI.create("ws://127.0.0.1:" + http.port() + path);
    }

    private static <T extends WebSocketException> T fails(Class<T> type, Executable connect) {
        T e = assertThrows(type, connect);
        if (type == WebSocketException.class) {
            assertFalse(e instanceof HandshakeException, () -> "nothing answered in HTTP: " + e);
        }
        return e;
    }

    private static HandshakeException refused(URI uri) {
        return fails(HandshakeException.class, () -> FrameSocket.newBuilder().connectTimeout(CONNECT).connect(uri));
    }

    private static void assertSays(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "expected \"" + part + "\" in: " + e.getMessage());
        }
    }

    @Test
    void aPlainPageIsNotAWebSocketEndpoint() {
        HandshakeException e = refused(at("/page"));
        assertEquals(200, e.statusCode());
        assertSays(e, at("/page") + " is not a WebSocket endpoint", "HTTP 200 OK", "Content-Type text/html",
                "instead of 101 Switching Protocols");
    }

    @Test
    void aRedirectNamesWhereItPointsAndThatItIsNotFollowed() {
        HandshakeException e = refused(at("/moved"));
        assertEquals(301, e.statusCode());
        assertEquals(Optional.of("wss://elsewhere.example/socket"), e.headers().firstValue("Location"));
        assertSays(e, "redirects " + at("/moved") + " to wss://elsewhere.example/socket", "HTTP 301 Moved Permanently",
                "does not follow redirects");
    }

    @Test
    void unauthorizedQuotesTheChallenge() {
        HandshakeException e = refused(at("/private"));
        assertEquals(401, e.statusCode());
        assertSays(e, "HTTP 401 Unauthorized", "WWW-Authenticate: Basic realm=\"chat\"", "Authorization");
    }

    @Test
    void clientAndServerErrorsNameTheirStatus() {
        assertSays(refused(at("/missing")), "refused the WebSocket upgrade of " + at("/missing"), "HTTP 404 Not Found");
        HandshakeException e = refused(at("/broken"));
        assertEquals(503, e.statusCode());
        assertSays(e, "HTTP 503 Service Unavailable", "an error of the server");
    }

    @Test
    void aClosedPortIsRefusedByHostAndPort() throws IOException {
        int port = Ports.closed();
        URI uri = URI.create("ws://127.0.0.1:" + port + "/echo");
        WebSocketException e = fails(WebSocketException.class, () -> FrameSocket.newBuilder().connectTimeout(CONNECT).connect(uri));
        assertSays(e, "Connection refused by 127.0.0.1:" + port, "nothing listens on that port");
    }

    @Test
    void anUnknownHostIsNamed() {
        URI uri = URI.create("ws://no-such-host.invalid/echo");
        WebSocketException e = fails(WebSocketException.class, () -> FrameSocket.newBuilder().connectTimeout(CONNECT).connect(uri));
        assertSays(e, "Unknown host \"no-such-host.invalid\"", "does not resolve");
    }

    @Test
    void aSilentServerIsBoundedByTheConnectTimeout() throws IOException {
        try (ServerSocket silent = Ports.silent()) {
            URI uri = URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/echo");
            WebSocketException e = fails(WebSocketException.class,
                    () -> FrameSocket.newBuilder().connectTimeout(Duration.ofMillis(500)).connect(uri));
            assertSays(e, "Opening " + uri + " did not complete within 500 ms", "connect timeout",
                    "did not answer in time");
        }
    }

    @Test
    void plainWebSocketToATlsPortSuggestsWss() {
        URI ws = URI.create(tls.uri().toString().replaceFirst("^wss:", "ws:"));
        WebSocketException e = fails(WebSocketException.class, () -> FrameSocket.newBuilder().connectTimeout(CONNECT).connect(ws));
        assertSays(e, "if that port speaks TLS, connect with wss:// instead of ws://");
    }

    @Test
    void anUntrustedCertificateSaysSoAndPointsToTheRecipes() {
        WebSocketException e = fails(WebSocketException.class, () -> FrameSocket.newBuilder().connectTimeout(CONNECT).connect(tls.uri()));
        assertInstanceOf(SSLHandshakeException.class, e.getCause());
        assertSays(e, "TLS handshake with " + tls.uri(), "the server's certificate is not trusted", "docs/connecting.md");
    }

    @Test
    void aCertificateForAnotherNameSaysWhichNameWasExpected() throws Exception {
        SelfSignedCertificate elsewhere = SelfSignedCertificate.forNames("elsewhere.invalid");
        try (JettyEchoServer wrongName = JettyEchoServer.startTls(elsewhere)) {
            HttpClient trusting = HttpClient.newBuilder().sslContext(elsewhere.trustingContext()).build();
            WebSocketException e = fails(WebSocketException.class,
                    () -> FrameSocket.newBuilder().httpClient(trusting).connectTimeout(CONNECT).connect(wrongName.uri()));
            assertInstanceOf(SSLHandshakeException.class, e.getCause());
            assertSays(e, "the server's certificate is not for the host \"127.0.0.1\"", "docs/connecting.md");
        }
    }

    @Test
    void tlsToAPlainPortSuggestsWs() {
        URI wss = URI.create(at("/page").toString().replaceFirst("^ws:", "wss:"));
        WebSocketException e = fails(WebSocketException.class, () -> FrameSocket.newBuilder().connectTimeout(CONNECT).connect(wss));
        assertSays(e, "did not answer in TLS", "connect with ws:// instead of wss://");
    }

    @Test
    void invalidUtf8FailsTheConnectionAfterTheFramesBeforeIt() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendText("fine");
            c.sendFrame(WireFrame.TEXT, true, new byte[] {(byte) 0xC3, 0x28});
            // The JDK fails the connection: it queues a Close 1007 but also closes the socket at
            // once, so the Close reaches the wire only sometimes.
            try {
                ClientFrame reply = c.readUntil(WireFrame.CLOSE);
                assertEquals(1007, reply.closeCode());
            } catch (EOFException closedFirst) {
                // the socket closed before the Close went out: allowed
            }
        }); FrameSocket ws = scripted().connect(server.uri())) {
            assertEquals("fine", ws.readMessage().text(), "nothing before the failure is lost");
            ConnectionClosedException failed = assertThrows(ConnectionClosedException.class, ws::readFrame);
            assertEquals(1006, failed.closeStatus().code());
            assertNotNull(failed.getCause(), "the JDK's protocol error is the cause");
            server.awaitScripts(WAIT);
        }
    }
}
