package dev.framewire.reliability;

import static dev.framewire.testing.Clients.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.CloseStatus;
import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.HandshakeException;
import dev.framewire.Message;
import dev.framewire.Opcode;
import dev.framewire.Reconnector;
import dev.framewire.WebSocketException;
import dev.framewire.testing.JettyEchoServer;
import dev.framewire.testkit.SelfSignedCertificate;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * {@code wss://} against the embedded Jetty server with a certificate the test generates: a client
 * that trusts it through its own {@code HttpClient} works; one that does not fails the connect
 * with a clear {@link WebSocketException} whose cause is the JDK's {@link SSLHandshakeException},
 * never a hang.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TlsTest {

    /** A failed TLS handshake on loopback takes milliseconds; this only catches a hang. */
    private static final Duration FAILURE_BOUND = Duration.ofSeconds(20);

    private static SelfSignedCertificate certificate;
    private static JettyEchoServer server;
    private static HttpClient trustingClient;

    @BeforeAll
    static void startTlsServer() throws Exception {
        certificate = SelfSignedCertificate.forNames("127.0.0.1", "localhost");
        server = JettyEchoServer.startTls(certificate);
        trustingClient = HttpClient.newBuilder().sslContext(certificate.trustingContext()).build();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aClientThatTrustsTheCertificateRoundTripsOverWss() throws Exception {
        assertEquals("wss", server.uri().getScheme());
        try (FrameSocket ws = FrameSocket.newBuilder().httpClient(trustingClient).connect(server.uri())) {
            ws.sendFrame("over ", false);
            ws.sendPing("mid-message");
            ws.sendFrame("TLS", true);
            Message text = ws.readMessage(WAIT);
            assertEquals("over TLS", text.text());

            byte[] large = new byte[100_000]; // several TLS records, several parts
            for (int i = 0; i < large.length; i++) {
                large[i] = (byte) (i * 7);
            }
            ws.sendBinary(ByteBuffer.wrap(large));
            assertEquals(ByteBuffer.wrap(large), ByteBuffer.wrap(ws.readMessage(WAIT).bytes()));
            assertNotNull(ws.ping(WAIT));

            ws.sendClose(1000, "done");
            Frame close = ws.readFrame(WAIT);
            assertEquals(Opcode.CLOSE, close.opcode());
            assertEquals(Optional.of(new CloseStatus(1000, "done")), ws.closeStatus());
        }
    }

    @Test
    void theDefaultClientRefusesTheUntrustedCertificateWithTheJdksHandshakeExceptionAsCause() {
        WebSocketException e = assertFailsFast(() -> FrameSocket.connect(server.uri()));
        assertTlsFailure(e, SSLHandshakeException.class);
    }

    @Test
    void aReconnectorDoesNotRetryAnUntrustedCertificate() {
        Reconnector reconnector = FrameSocket.newBuilder().reconnector(server.uri()).maxAttempts(5);
        WebSocketException e = assertFailsFast(reconnector::connect);
        assertTlsFailure(e, SSLHandshakeException.class);
        assertEquals(0, e.getSuppressed().length, "one attempt, no retries: " + List.of(e.getSuppressed()));
    }

    @Test
    void aClientOfTheCallersOwnThatDoesNotTrustTheCertificateFailsTheSameWay() {
        HttpClient untrusting = HttpClient.newHttpClient();
        WebSocketException e = assertFailsFast(() -> FrameSocket.newBuilder().httpClient(untrusting).connect(server.uri()));
        assertTlsFailure(e, SSLHandshakeException.class);
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
        SelfSignedCertificate elsewhere = SelfSignedCertificate.forNames("elsewhere.invalid");
        try (JettyEchoServer wrongName = JettyEchoServer.startTls(elsewhere)) {
            HttpClient trustsIt = HttpClient.newBuilder().sslContext(elsewhere.trustingContext()).build();
            WebSocketException e = assertFailsFast(
                    () -> FrameSocket.newBuilder().httpClient(trustsIt).connect(wrongName.uri()));
            assertTlsFailure(e, SSLHandshakeException.class);
        }
    }

    @Test
    void wssToAPlainServerFailsAsTlsInsteadOfHanging() throws Exception {
        try (JettyEchoServer plain = JettyEchoServer.start()) {
            URI wss = URI.create(plain.uri().toString().replaceFirst("^ws:", "wss:"));
            WebSocketException e = assertFailsFast(() -> FrameSocket.newBuilder().httpClient(trustingClient).connect(wss));
            assertTlsFailure(e, SSLException.class);
        }
    }

    private static WebSocketException assertFailsFast(Executable connect) {
        long start = System.nanoTime();
        WebSocketException e = assertThrows(WebSocketException.class, connect);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(FAILURE_BOUND) < 0, "the failed connect took " + took);
        assertFalse(e instanceof HandshakeException, "TLS failed before any HTTP response: " + e);
        return e;
    }

    /**
     * The message says it was TLS; the JDK's exception is the direct cause (not somewhere deeper
     * in the chain, where {@code catch} blocks and log readers would not look).
     */
    private static void assertTlsFailure(WebSocketException e, Class<? extends SSLException> expected) {
        assertTrue(e.getMessage().contains("TLS"), () -> "message should say TLS: " + e.getMessage());
        assertInstanceOf(expected, e.getCause(), () -> "direct cause: " + chain(e));
    }

    private static String chain(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            out.append(out.length() == 0 ? "" : " <- ").append(c);
        }
        return out.toString();
    }
}
