package dev.framewire.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;
import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.HandshakeException;
import dev.framewire.Opcode;
import dev.framewire.testing.JettyEchoServer;
import dev.framewire.testing.Ports;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HAProxy as the load balancer in front of a WebSocket server: in {@code mode http}, where it
 * parses the upgrade and then holds the connection as a tunnel ({@code timeout tunnel}), and in
 * {@code mode tcp}, where it never looks at HTTP. {@code docs/interop.md} has what each showed.
 */
@Tag("interop")
@Requires(program = "haproxy", debianPackage = "haproxy")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HaproxyTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** {@code timeout tunnel} of the frontend that cuts idle tunnels. */
    private static final Duration SHORT_TUNNEL = Duration.ofSeconds(1);

    private static JettyEchoServer echo;
    private static Intermediary haproxy;
    private static int http;
    private static int tcp;
    private static int shortTunnel;
    private static int down;

    @BeforeAll
    static void start() throws Exception {
        Path binary = Intermediary.find("haproxy", "haproxy");
        System.out.println("interop: " + Intermediary.version(binary.toString(), "-v"));
        echo = JettyEchoServer.start();
        Path dir = Intermediary.directory("haproxy");
        http = Intermediary.freePort();
        tcp = Intermediary.freePort();
        shortTunnel = Intermediary.freePort();
        down = Intermediary.freePort();
        String server = "  server echo 127.0.0.1:" + echo.port();
        String conf = String.join("\n",
                "global",
                "  maxconn 256",
                "defaults",
                "  timeout connect 5s",
                "  timeout client 30s",
                "  timeout server 30s",
                "  timeout tunnel 1h",
                "frontend http_in",
                "  mode http",
                "  bind 127.0.0.1:" + http,
                "  default_backend echo_http",
                "frontend short_tunnel",
                "  mode http",
                "  bind 127.0.0.1:" + shortTunnel,
                "  timeout tunnel " + SHORT_TUNNEL.toMillis() + "ms",
                "  default_backend echo_http_short",
                "frontend down_in",
                "  mode http",
                "  bind 127.0.0.1:" + down,
                "  default_backend nothing",
                "frontend tcp_in",
                "  mode tcp",
                "  bind 127.0.0.1:" + tcp,
                "  default_backend echo_tcp",
                "backend echo_http",
                "  mode http",
                server,
                "backend echo_http_short",
                "  mode http",
                "  timeout tunnel " + SHORT_TUNNEL.toMillis() + "ms",
                server,
                "backend nothing",
                "  mode http",
                "  retries 0", // HAProxy retries a refused connect, a second apart, before its 503
                "  server gone 127.0.0.1:" + Ports.closed(),
                "backend echo_tcp",
                "  mode tcp",
                server,
                "");
        Files.writeString(dir.resolve("haproxy.cfg"), conf);
        haproxy = Intermediary.start("haproxy", dir,
                List.of(binary.toString(), "-db", "-f", dir.resolve("haproxy.cfg").toString()), http, Duration.ofSeconds(20));
        for (int port : new int[] {tcp, shortTunnel, down}) {
            assertTrue(Intermediary.accepts(port), "HAProxy listens on " + port + "\n" + haproxy.logs());
        }
    }

    @AfterAll
    static void stop() {
        if (haproxy != null) {
            haproxy.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    private static URI uri(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/echo");
    }

    private static void echoAndClose(int port) throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().subprotocols("superchat").readTimeout(WAIT).connect(uri(port))) {
            assertEquals("superchat", ws.subprotocol());
            ws.sendFrame(new byte[] {1, 2}, false);
            ws.sendPing("between");
            ws.sendFrame(new byte[] {3}, true);
            Frame first = ws.readFrame();
            Frame last = ws.readFrame();
            assertEquals(List.of(Opcode.BINARY, Opcode.CONTINUATION), List.of(first.opcode(), last.opcode()));
            assertTrue(last.isFinal());
            ws.sendText("x".repeat(1 << 20));
            assertEquals(1 << 20, ws.readMessage().text().length());
            ws.sendClose(4321, "through haproxy");
            assertEquals(Opcode.CLOSE, ws.readFrame().opcode());
            assertEquals(new CloseStatus(4321, "through haproxy"), ws.closeStatus().orElseThrow(),
                    "the close status passes through the tunnel both ways");
        }
    }

    @Test
    void httpModeTunnelsTheUpgradedConnection() throws Exception {
        echoAndClose(http);
        assertEquals("websocket", echo.lastRequestHeader("Upgrade"));
    }

    @Test
    void tcpModeRelaysTheBytes() throws Exception {
        echoAndClose(tcp);
    }

    @Test
    void anIdleTunnelIsCutAfterTimeoutTunnelWithoutAClose() throws Exception {
        try (FrameSocket ws = FrameSocket.connect(uri(shortTunnel))) {
            long start = System.nanoTime();
            ConnectionClosedException e = assertThrows(ConnectionClosedException.class, () -> ws.readMessage(WAIT));
            Duration after = Duration.ofNanos(System.nanoTime() - start);
            System.out.println("interop: haproxy cut an idle tunnel after " + after.toMillis() + " ms: " + e);
            assertEquals(CloseStatus.ABNORMAL_CLOSURE, e.closeStatus().code(), e.toString());
            assertFalse(e.initiatedLocally());
            assertTrue(after.compareTo(SHORT_TUNNEL.minusMillis(300)) >= 0, "cut after " + after);
        }
    }

    @Test
    void noServerUpIsHaproxys503() {
        HandshakeException e = assertThrows(HandshakeException.class, () -> FrameSocket.connect(uri(down)));
        System.out.println("interop: haproxy, no server up: " + e.getMessage());
        assertEquals(503, e.statusCode());
        assertTrue(e.getMessage().contains("HTTP 503 Service Unavailable"), e.getMessage());
    }
}
