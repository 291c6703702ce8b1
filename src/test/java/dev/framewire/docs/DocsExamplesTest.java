package dev.framewire.docs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.CloseStatus;
import dev.framewire.FrameSocket;
import dev.framewire.Opcode;
import dev.framewire.Reconnector;
import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.WireFrame;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Timeout;

/** Runs the code shown in README.md and docs/ against real servers, and checks what it does. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DocsExamplesTest {

    @RegisterExtension
    static final EchoServerExtension echo = new EchoServerExtension();

    @Test
    void readme() throws Exception {
        Readme.tenLines(echo.uri());
    }

    @Test
    void connecting() throws Exception {
        assertEquals("hello", Connecting.defaults(echo.uri()));
        assertEquals("superchat", Connecting.settings(echo.uri()));
        assertEquals("superchat", echo.lastRequestHeader("Sec-WebSocket-Protocol").split(",")[0].trim());
        assertEquals("Bearer my-token", echo.lastRequestHeader("Authorization"));
        assertEquals(404, Connecting.refused(URI.create(echo.uri().toString().replace("/echo", "/nowhere"))));
        assertEquals("through my own client",
                Connecting.ownClient(echo.uri(), SSLContext.getDefault(), HttpClient.Builder.NO_PROXY));
    }

    @Test
    void sending() throws Exception {
        assertEquals("This is the 1st frame\r\nThis is the 2nd frame\r\nThis is the 3rd and final frame\r\n",
                Sending.fragments(echo.uri()));
        assertArrayEquals(new byte[] {1, 2, 'b', 'o', 'd', 'y'}, Sending.binary(echo.uri()));
        assertEquals("part 1 part 2", Sending.mixingIsRefused(echo.uri()));
        assertEquals("smile \uD83D\uDE00!", Sending.surrogates(echo.uri()));
    }

    @Test
    void reading() throws Exception {
        assertEquals("Hello, world", Reading.frames(echo.uri()));
        assertEquals("one3 bytes", Reading.messages(echo.uri()));
        assertTrue(Reading.timeout(echo.uri()));
        assertEquals("ping?", Reading.spin(echo.uri()));
    }

    @Test
    void pingsAndKeepalive() throws Exception {
        Duration rtt = PingsAndKeepalive.roundTrip(echo.uri());
        assertTrue(!rtt.isNegative() && rtt.compareTo(Duration.ofSeconds(5)) < 0, rtt.toString());
        assertEquals(Opcode.PONG, PingsAndKeepalive.seePongs(echo.uri()));
        assertTrue(PingsAndKeepalive.keepAlive(echo.uri()));
    }

    @Test
    void closing() throws Exception {
        assertEquals(new CloseStatus(1000, "Closing this websocket."), Closing.clientCloses(echo.uri()));
        assertFalse(Closing.tryWithResources(echo.uri()));
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.sendText("first");
            c.sendText("second");
            c.sendClose(4000, "done");
            c.awaitClientClosed(Duration.ofSeconds(10));
        }); FrameSocket ws = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(10)).connect(server.uri())) {
            assertEquals(new CloseStatus(4000, "done"), Closing.readUntilClosed(ws));
        }
    }

    @Test
    void errors() throws Exception {
        assertEquals("ping me back", Errors.handleEverything(echo.uri()));
        assertEquals("refused: HTTP 404", Errors.handleEverything(URI.create(echo.uri().toString().replace("/echo", "/x"))));
    }

    @Test
    void threading() throws Exception {
        assertEquals(400, Threading.manySenders(echo.uri()));
        assertTrue(Threading.interruptAReader(echo.uri()));
    }

    @Test
    void streaming(@TempDir Path dir) throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(content);
        Path file = Files.write(dir.resolve("file.bin"), content);
        Path copy = dir.resolve("copy.bin");
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(10)).connect(echo.uri())) {
            Streaming.sendAndReceiveFile(ws, file, copy);
            assertArrayEquals(content, Files.readAllBytes(copy));

            ws.sendBinary(ByteBuffer.wrap(content));
            String expected = HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(content));
            assertEquals(expected, Streaming.digestOfNextMessage(ws));

            List<String> lines = List.of("first line", "zweite Zeile: äöü", "😀 third");
            assertEquals(lines, Streaming.textLines(ws, lines));
        }
    }

    @Test
    void reconnecting() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            assertEquals("{\"subscribe\":\"prices\"}", c.readUntil(WireFrame.TEXT).text());
            if (c.id() == 1) {
                c.sendText("price 1");
                c.sendText("price 2");
                c.closeTcp();                        // the server crashes: the client sees 1006
            } else {
                c.sendText("price 3");
                c.sendText("price 4");
                ClientFrame close = c.readUntil(WireFrame.CLOSE);
                assertEquals(1000, close.closeCode());
                c.sendClose(close.closeCode(), "");
            }
        })) {
            Reconnector reconnector = Reconnecting.reconnector(server.uri());
            assertEquals(List.of("price 1", "price 2", "price 3", "price 4"), Reconnecting.subscribe(reconnector, 4));
            server.awaitScripts(Duration.ofSeconds(10));
            assertEquals(2, server.connectionCount());
        }
    }

    @Test
    void limits() throws Exception {
        assertEquals("within the limits", Limits.settings(echo.uri()));
    }
}
