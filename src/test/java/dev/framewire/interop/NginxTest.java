package dev.framewire.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;
import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.HandshakeException;
import dev.framewire.Message;
import dev.framewire.Opcode;
import dev.framewire.ReadTimeoutException;
import dev.framewire.testing.JettyEchoServer;
import dev.framewire.testing.Ports;
import dev.framewire.testing.SelfSignedCertificate;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * nginx as the reverse proxy that terminates TLS in front of a WebSocket server, configured as
 * nginx's own documentation says ({@code proxy_http_version 1.1} and the {@code Upgrade} and
 * {@code Connection} headers passed on): framewire speaks {@code wss://} to nginx, nginx speaks
 * {@code ws://} to the Jetty echo server. {@code docs/interop.md} has what each test showed.
 */
@Tag("interop")
@Requires(program = "nginx", debianPackage = "nginx")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NginxTest {

    /** nginx's idle timeout of the {@code /idle} location: shorter than any test waits. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path keys;

    private static JettyEchoServer echo;
    private static Intermediary nginx;
    private static HttpClient client;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        Path binary = Intermediary.find("nginx", "nginx");
        System.out.println("interop: " + Intermediary.version(binary.toString(), "-v"));
        SelfSignedCertificate certificate = SelfSignedCertificate.generate(keys, "ip:127.0.0.1");
        echo = JettyEchoServer.start();
        Path dir = Intermediary.directory("nginx");
        certificate.writePem(dir.resolve("cert.pem"));
        Pem.writeKey(certificate, dir.resolve("key.pem"));
        port = Intermediary.freePort();
        String upstream = "http://127.0.0.1:" + echo.port() + "/echo";
        // The WebSocket recipe of nginx's documentation (nginx.org/en/docs/http/websocket.html).
        String proxied = "proxy_pass " + upstream + "; proxy_http_version 1.1;"
                + " proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade;";
        String conf = String.join("\n",
                "daemon off;",
                "master_process off;", // one process, run as the test's user: nothing to reap
                "worker_processes 1;",
                "error_log " + dir + "/error.log info;",
                "pid " + dir + "/nginx.pid;",
                "events { worker_connections 64; }",
                "http {",
                "  access_log " + dir + "/access.log;",
                "  client_body_temp_path " + dir + "/body; proxy_temp_path " + dir + "/proxy;",
                "  fastcgi_temp_path " + dir + "/fastcgi; uwsgi_temp_path " + dir + "/uwsgi; scgi_temp_path " + dir + "/scgi;",
                "  map $http_upgrade $connection_upgrade { default upgrade; '' close; }",
                "  server {",
                "    listen 127.0.0.1:" + port + " ssl;",
                "    ssl_certificate " + dir + "/cert.pem;",
                "    ssl_certificate_key " + dir + "/key.pem;",
                "    location = /echo { " + proxied + " proxy_read_timeout 60s; }",
                "    location = /idle { " + proxied + " proxy_read_timeout " + READ_TIMEOUT.toSeconds() + "s; }",
                "    location = /down { proxy_pass http://127.0.0.1:" + Ports.closed() + "/echo; proxy_http_version 1.1;"
                        + " proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; }",
                "    location = /busy { add_header Retry-After 7 always; return 503; }",
                "  }",
                "}",
                "");
        Files.writeString(dir.resolve("nginx.conf"), conf);
        nginx = Intermediary.start("nginx", dir,
                List.of(binary.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString()),
                port, Duration.ofSeconds(20));
        client = HttpClient.newBuilder().sslContext(certificate.trustingContext()).build();
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    private static URI uri(String path) {
        return URI.create("wss://127.0.0.1:" + port + path);
    }

    @Test
    void echoesFramesPingsAndTheCloseStatusThroughTls() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().httpClient(client).subprotocols("chat")
                .readTimeout(WAIT).connect(uri("/echo"))) {
            assertEquals("chat", ws.subprotocol(), "nginx passes Sec-WebSocket-Protocol both ways");
            assertEquals("websocket", echo.lastRequestHeader("Upgrade"));

            ws.sendFrame("first ", false);
            ws.sendPing("mid-message");
            ws.sendFrame("second ", false);
            ws.sendFrame("last", true);
            // nginx relays the upgraded connection byte for byte: the echoed frames stay frames.
            Frame a = ws.readFrame();
            Frame b = ws.readFrame();
            Frame c = ws.readFrame();
            assertEquals(List.of(Opcode.TEXT, Opcode.CONTINUATION, Opcode.CONTINUATION),
                    List.of(a.opcode(), b.opcode(), c.opcode()));
            assertEquals("first second last", a.text() + b.text() + c.text());
            assertTrue(c.isFinal());
            assertTrue(ws.ping(WAIT).toNanos() > 0, "a Ping's Pong comes back through nginx");

            ws.sendClose(4000, "done through nginx");
            Frame close = ws.readFrame();
            assertEquals(Opcode.CLOSE, close.opcode());
            assertEquals(new CloseStatus(4000, "done through nginx"), ws.closeStatus().orElseThrow());
        }
    }

    @Test
    void multiMegabyteMessagesPassBothWays() throws Exception {
        byte[] binary = new byte[8 << 20];
        new Random(22).nextBytes(binary);
        String text = "x".repeat(3 << 20) + "é€😀";
        try (FrameSocket ws = FrameSocket.newBuilder().httpClient(client).readTimeout(WAIT).connect(uri("/echo"))) {
            ws.sendBinary(ByteBuffer.wrap(binary));
            Message back = ws.readMessage();
            assertEquals(Opcode.BINARY, back.type());
            assertArrayEquals(binary, back.bytes());
            ws.sendText(text);
            assertEquals(text, ws.readMessage().text());
        }
    }

    @Test
    void keepaliveHoldsAConnectionOpenPastNginxsReadTimeout() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().httpClient(client)
                .keepAlive(Duration.ofMillis(250), Duration.ofSeconds(5)).connect(uri("/idle"))) {
            // Silent for 2.5 times nginx's proxy_read_timeout: only keepalive Pings and their Pongs cross.
            Duration idle = READ_TIMEOUT.multipliedBy(5).dividedBy(2);
            assertThrows(ReadTimeoutException.class, () -> ws.readFrame(idle));
            assertTrue(ws.isOpen(), "the Pong of each keepalive Ping resets nginx's read timer");
            ws.sendText("still here");
            assertEquals("still here", ws.readMessage(WAIT).text());
        }
    }

    @Test
    void withoutKeepaliveNginxCutsAnIdleConnectionAndFramewireSays1006() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().httpClient(client).connect(uri("/idle"))) {
            long start = System.nanoTime();
            ConnectionClosedException e = assertThrows(ConnectionClosedException.class, () -> ws.readMessage(WAIT));
            Duration after = Duration.ofNanos(System.nanoTime() - start);
            System.out.println("interop: nginx cut an idle connection after " + after.toMillis() + " ms: " + e);
            // nginx closes TLS and TCP without a WebSocket Close frame.
            assertEquals(CloseStatus.ABNORMAL_CLOSURE, e.closeStatus().code(), e.toString());
            assertFalse(e.initiatedLocally(), e.toString());
            assertTrue(after.compareTo(READ_TIMEOUT.minusMillis(300)) >= 0 && after.compareTo(WAIT) < 0,
                    "cut after " + after);
            assertFalse(ws.isOpen());
            assertEquals(CloseStatus.ABNORMAL_CLOSURE, ws.closeStatus().orElseThrow().code());
        }
    }

    @Test
    void anUpstreamThatIsDownIsNginxs502() {
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> FrameSocket.newBuilder().httpClient(client).connect(uri("/down")));
        System.out.println("interop: nginx, upstream down: " + e.getMessage());
        assertEquals(502, e.statusCode());
        assertTrue(e.getMessage().contains("HTTP 502 Bad Gateway"), e.getMessage());
    }

    @Test
    void nginxs503CarriesItsRetryAfterIntoTheMessage() {
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> FrameSocket.newBuilder().httpClient(client).connect(uri("/busy")));
        System.out.println("interop: nginx 503: " + e.getMessage());
        assertEquals(503, e.statusCode());
        assertEquals("7", e.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(e.getMessage().contains("Retry-After: 7"), e.getMessage());
    }
}
