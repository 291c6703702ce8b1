package dev.framewire.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.FrameSocket;
import dev.framewire.HandshakeException;
import dev.framewire.WebSocketException;
import dev.framewire.testing.ConnectProxy;
import dev.framewire.testing.JettyEchoServer;
import dev.framewire.testing.Ports;
import dev.framewire.testing.BasicProxyClient;
import dev.framewire.testing.SelfSignedCertificate;

import java.io.IOException;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ws:// and wss:// through a real HTTP CONNECT proxy (Jetty's ConnectHandler on loopback), with
 * and without Basic authentication. Basic through a tunnel needs the JVM started with
 * {@code -Djdk.http.auth.tunneling.disabledSchemes=}, which this JVM was not: here a 407 must
 * give the clear {@link HandshakeException}; a child JVM started with the property shows that the
 * documented recipe then works.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path keys;

    private static SelfSignedCertificate certificate;
    private static JettyEchoServer plain;
    private static JettyEchoServer tls;

    @BeforeAll
    static void startServers() throws Exception {
        certificate = SelfSignedCertificate.generate(keys, "ip:127.0.0.1");
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
    void wsAndWssGoThroughAProxyWithoutAuthentication() throws Exception {
        try (ConnectProxy proxy = ConnectProxy.open()) {
            HttpClient client = through(proxy.selector(), null);
            assertEquals("through the proxy", echo(client, plain.uri()));
            assertEquals("through the proxy", echo(client, tls.uri()));
            assertEquals(2, proxy.tunnels(), "both went through the tunnel");
        }
    }

    @Test
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
}
