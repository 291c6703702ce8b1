package dev.framewire;

import static dev.framewire.testing.Clients.WAIT;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.FrameSocket;
import dev.framewire.HandshakeException;
import dev.framewire.WebSocketException;
import dev.framewire.testing.BasicProxyClient;
import dev.framewire.testing.ConnectProxy;
import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testing.JettyEchoServer;
import dev.framewire.testing.LogRecorder;
import dev.framewire.testing.Ports;
import dev.framewire.testkit.SelfSignedCertificate;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/connecting.md: headers and subprotocols reach the server (the Jetty echo server), servers
 * that say no (WireMock answering plain HTTP), servers that cannot be reached or never answer,
 * credentials in the URI, and connecting through a proxy. The messages of failed connects are
 * {@link ErrorsTest}'s.
 */
@Timeout(30)
class ConnectingTest {

    private static final Duration CONNECT = Duration.ofSeconds(5);

    private static WireMockServer wireMock;

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

    // Through a proxy: ws:// and wss:// through a real HTTP CONNECT proxy (Jetty's ConnectHandler on
    // loopback), with and without Basic authentication. Basic through a tunnel needs the JVM started
    // with -Djdk.http.auth.tunneling.disabledSchemes=, which this JVM was not: here a 407 must give the
    // clear HandshakeException; a child JVM started with the property (BasicProxyClient) shows that
    // the documented recipe then works.

    private static SelfSignedCertificate certificate;
    private static JettyEchoServer plain;
    private static JettyEchoServer tls;

    @BeforeAll
    static void startServers() throws Exception {
        certificate = SelfSignedCertificate.forNames("127.0.0.1");
        plain = JettyEchoServer.start();
        tls = JettyEchoServer.startTls(certificate);
    }

    @AfterAll
    static void stopServers() {
        plain.close();
        tls.close();
    }

    private static HttpClient through(ProxySelector proxy, Authenticator authenticator) throws Exception {
        HttpClient.Builder client = HttpClient.newBuilder().proxy(proxy).sslContext(certificate.trustingContext());
        if (authenticator != null) {
            client.authenticator(authenticator);
        }
        return client.build();
    }

    private static String echo(HttpClient client, URI uri) throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder().httpClient(client).connect(uri)) {
            ws.sendText("through the proxy");
            return ws.readMessage(WAIT).text();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void wsAndWssGoThroughAProxyWithoutAuthentication() throws Exception {
        try (ConnectProxy proxy = ConnectProxy.open()) {
            HttpClient client = through(proxy.selector(), null);
            assertEquals("through the proxy", echo(client, plain.uri()));
            assertEquals("through the proxy", echo(client, tls.uri()));
            assertEquals(2, proxy.tunnels(), "both went through the tunnel");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aProxyThatWantsBasicGivesA407ThatSaysWhatToSet() throws Exception {
        assertEquals(null, System.getProperty("jdk.http.auth.tunneling.disabledSchemes"), "this JVM keeps the JDK default");
        try (ConnectProxy proxy = ConnectProxy.withBasic("proxyuser", "proxy-secret")) {
            HttpClient client = through(proxy.selector(), new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication("proxyuser", "proxy-secret".toCharArray());
                }
            });
            for (URI uri : new URI[] {plain.uri(), tls.uri()}) {
                HandshakeException e = assertThrows(HandshakeException.class, () -> echo(client, uri));
                assertEquals(407, e.statusCode());
                assertEquals(Optional.of("Basic realm=\"" + ConnectProxy.REALM + "\""),
                        e.headers().firstValue("Proxy-Authenticate"));
                String m = e.getMessage();
                String proxyAddress = "127.0.0.1:" + proxy.address().getPort();
                assertTrue(m.startsWith("The proxy " + proxyAddress + " refused to open a tunnel to " + uri), m);
                assertTrue(m.contains("HTTP 407 Proxy Authentication Required"), m);
                assertTrue(m.contains("it asks for Basic realm=\"" + ConnectProxy.REALM + "\""), m);
                assertTrue(m.contains("-Djdk.http.auth.tunneling.disabledSchemes="), m);
                assertTrue(m.contains("Authenticator"), m);
                assertFalse(m.contains("server refused"), "a proxy's 407 is not the server's refusal: " + m);
            }
            assertEquals(0, proxy.tunnels());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void basicProxyAuthenticationWorksInAJvmStartedWithThePropertyCleared() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Djdk.http.auth.tunneling.disabledSchemes=",
                "-cp", System.getProperty("java.class.path"), BasicProxyClient.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        child.getOutputStream().close();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("through ws\n") && output.contains("through wss\n"), output);
        // One 407 per connection (the JDK's Authenticator answers the challenge), then the tunnel.
        assertTrue(output.contains("tunnels=2"), output);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aProxyThatNeverAnswersConnectIsBoundedByTheConnectTimeout() throws Exception {
        try (ServerSocket silent = Ports.silent()) {
            HttpClient client = through(ProxySelector.of(new InetSocketAddress("127.0.0.1", silent.getLocalPort())), null);
            long start = System.nanoTime();
            WebSocketException e = assertThrows(WebSocketException.class, () -> FrameSocket.newBuilder()
                    .httpClient(client).connectTimeout(Duration.ofMillis(700)).connect(plain.uri()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertFalse(e instanceof HandshakeException, e.toString());
            assertTrue(took.compareTo(Duration.ofSeconds(7)) < 0, "took " + took);
            String m = e.getMessage();
            assertTrue(m.contains("through the proxy 127.0.0.1:" + silent.getLocalPort()), m);
            assertTrue(m.contains("did not complete within 700 ms"), m);
            assertTrue(m.contains("the proxy's CONNECT tunnel"), m);
        }
    }

    /**
     * Credentials in the URI ({@code ws://user:password@host/}) become a Basic Authorization header
     * of the upgrade request, and the password shows up nowhere: not in {@code uri()}, not in
     * {@code toString()}, not in any exception message, not in the log at TRACE. Each test here
     * records the log, and what it shows is searched for the password after it.
     */
    @Nested
    class CredentialsInTheUri {

        /** Percent-encoded in the URI: é and a colon, which only the first ':' may separate. */
        private static final String PASSWORD = "s3cr\u00e9t:pw";
        private static final String ENCODED = "s3cr%C3%A9t:pw";
        private final LogRecorder log = new LogRecorder();
        private final List<LogRecord> records = log.records();
        private final List<String> shown = new ArrayList<>();

        @BeforeEach
        void listen() {
            log.start();
        }

        @AfterEach
        void stopListeningAndLookForThePassword() {
            log.stop();
            for (LogRecord record : records) {
                shown.add(record.getMessage());
                if (record.getThrown() != null) {
                    shown.add(stackTrace(record.getThrown()));
                }
            }
            assertFalse(shown.isEmpty());
            for (String text : shown) {
                assertFalse(text.contains("s3cr"), () -> "the password leaked: " + text);
                assertFalse(text.contains(ENCODED), () -> "the encoded password leaked: " + text);
            }
        }

        private static URI withCredentials(URI uri) {
            return URI.create(uri.toString().replace("://", "://user:" + ENCODED + "@"));
        }

        private static String stackTrace(Throwable t) {
            StringWriter out = new StringWriter();
            t.printStackTrace(new PrintWriter(out));
            return out.toString();
        }

        @Test
        void theCredentialsAreSentAsBasicAuthorizationAndShownNowhere() throws IOException {
            URI uri = withCredentials(server.uri());
            try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(uri)) {
                String expected = "Basic " + Base64.getEncoder()
                        .encodeToString(("user:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
                assertEquals(expected, server.lastRequestHeader("Authorization"));
                assertEquals(server.uri(), ws.uri());
                assertNull(ws.uri().getUserInfo());
                ws.sendText("hello");
                assertEquals("hello", ws.readMessage().text());
                shown.add(ws.toString());
                shown.add(ws.uri().toString());
            }
            assertTrue(records.stream().anyMatch(r -> r.getMessage().contains(server.uri().toString())), "the log names the URI");
        }

        @Test
        void aRefusedHandshakeNamesTheUriWithoutThem() {
            URI uri = withCredentials(URI.create(server.uri().toString().replace("/echo", "/nowhere")));
            HandshakeException e = assertThrows(HandshakeException.class, () -> FrameSocket.connect(uri));
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
            shown.add(stackTrace(e));
        }

        @Test
        void aFailedConnectNamesTheUriWithoutThem() throws IOException {
            int port = Ports.closed();
            URI uri = URI.create("ws://user:" + ENCODED + "@127.0.0.1:" + port + "/echo");
            WebSocketException e = assertThrows(WebSocketException.class, () -> FrameSocket.connect(uri));
            assertTrue(e.getMessage().contains("ws://127.0.0.1:" + port + "/echo"), e.getMessage());
            shown.add(stackTrace(e));
        }

        @Test
        void badUrisAreRefusedWithoutShowingThem() {
            for (String bad : List.of("http://user:" + ENCODED + "@host/", "ws://user:" + ENCODED + "@host/#fragment")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> FrameSocket.connect(URI.create(bad)));
                assertTrue(e.getMessage().contains("host/"), e.getMessage());
                shown.add(e.getMessage());
            }
        }

        @Test
        void credentialsBesideAnAuthorizationHeaderAreRefusedBeforeConnecting() {
            URI uri = withCredentials(server.uri());
            int before = server.connectionsOpened();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FrameSocket.newBuilder().header("Authorization", "Bearer t").connect(uri));
            assertTrue(e.getMessage().contains("an Authorization header was set too"), e.getMessage());
            assertEquals(before, server.connectionsOpened());
            shown.add(e.getMessage());
        }
    }
}
