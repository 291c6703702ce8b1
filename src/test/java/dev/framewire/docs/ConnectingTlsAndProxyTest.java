package dev.framewire.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.framewire.FrameSocket;
import dev.framewire.WebSocketException;
import dev.framewire.testing.ConnectProxy;
import dev.framewire.testing.JettyEchoServer;
import dev.framewire.testing.SelfSignedCertificate;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the TLS and proxy recipes of docs/connecting.md against a local wss:// server whose
 * certificate the test makes, a mutual-TLS server, and a local CONNECT proxy.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConnectingTlsAndProxyTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;

    private static SelfSignedCertificate serverCertificate;
    private static JettyEchoServer tls;

    @BeforeAll
    static void startServer() throws Exception {
        serverCertificate = SelfSignedCertificate.generate(dir, "ip:127.0.0.1", "dns:localhost");
        tls = JettyEchoServer.startTls(serverCertificate);
    }

    @AfterAll
    static void stopServer() {
        tls.close();
    }

    private static String echoOver(SSLContext context) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(context).build();
        try (FrameSocket ws = FrameSocket.newBuilder().httpClient(client).connect(tls.uri())) {
            ws.sendText("trusted");
            return ws.readMessage(Duration.ofSeconds(5)).text();
        }
    }

    @Test
    void trustAPemFile() throws Exception {
        Path pem = serverCertificate.writePem(dir.resolve("server.pem"));
        assertEquals("trusted", echoOver(Connecting.trustPem(pem)));
    }

    @Test
    void trustAPkcs12TrustStore() throws Exception {
        Path store = serverCertificate.writeTrustStore(dir.resolve("truststore.p12"), PASSWORD);
        assertEquals("trusted", echoOver(Connecting.trustStore(store, PASSWORD.toCharArray())));
    }

    @Test
    void presentAClientCertificate(@TempDir Path clientDir) throws Exception {
        SelfSignedCertificate client = SelfSignedCertificate.generate(clientDir, "dns:client.invalid");
        Path clientTrust = client.writeTrustStore(clientDir.resolve("clients.p12"), PASSWORD);
        try (JettyEchoServer mutual = JettyEchoServer.startMutualTls(serverCertificate, clientTrust, PASSWORD)) {
            SSLContext trustServer = Connecting.trustPem(serverCertificate.writePem(clientDir.resolve("server.pem")));
            // Without the client certificate the server ends the TLS handshake.
            HttpClient noCertificate = HttpClient.newBuilder().sslContext(trustServer).build();
            assertThrows(WebSocketException.class,
                    () -> FrameSocket.newBuilder().httpClient(noCertificate).connect(mutual.uri()).close());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            KeyStore serverOnly = KeyStore.getInstance("PKCS12");
            serverOnly.load(null, null);
            serverOnly.setCertificateEntry("server", serverCertificate.certificate());
            trust.init(serverOnly);
            assertEquals("mutual TLS", Connecting.clientCertificate(mutual.uri(), client.keyStore(),
                    client.password().toCharArray(), trust.getTrustManagers()));
        }
    }

    @Test
    void throughAProxy() throws Exception {
        try (ConnectProxy proxy = ConnectProxy.open(); JettyEchoServer plain = JettyEchoServer.start()) {
            assertEquals("through the proxy", Connecting.proxy(plain.uri(), proxy.address()));
            // This JVM keeps Basic disabled for tunnels, so the recipe is run against a proxy that
            // asks for nothing; ConnectingTest runs it with Basic in a JVM started with the property.
            assertEquals("through the proxy, authenticated",
                    Connecting.proxyWithBasic(plain.uri(), proxy.address(), "user", "secret".toCharArray()));
            assertEquals(2, proxy.tunnels());
        }
    }
}
