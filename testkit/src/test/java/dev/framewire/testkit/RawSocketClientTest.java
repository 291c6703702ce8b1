package dev.framewire.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the server puts on the wire, seen by a client that is only a socket: the bytes of a drop
 * mid-frame, of a greeting behind the 101, of a refusal. No WebSocket client hides anything here
 * (the JDK's, for one, may never report a connection that ends right behind a frame; see
 * framewire's docs/jdk-defects.md).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawSocketClientTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPTED = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

    @Test
    void aDropMidFrameSendsTheFirstBytesOfTheFrameAndThenFin() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(Faults.dropMidFrame()); Socket client = upgrade(server)) {
            byte[] all = client.getInputStream().readAllBytes(); // to the FIN
            byte[] frame = WireFrame.binary(new byte[1000]).encode();
            assertArrayEquals(concat(ascii(ACCEPTED), Arrays.copyOf(frame, 500)), all);
            server.awaitScripts(Duration.ofSeconds(10));
        }
    }

    @Test
    void aResetMidFrameEndsWithAReset() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(Faults.resetMidFrame()); Socket client = upgrade(server)) {
            InputStream in = client.getInputStream();
            SocketException reset = assertThrows(SocketException.class, () -> {
                while (in.read() != -1) {
                    // the 101 and part of the frame, unless the reset discarded them first
                }
            });
            assertTrue(String.valueOf(reset.getMessage()).contains("reset"), reset.getMessage());
        }
    }

    @Test
    void aGreetingAndTheSubprotocolRideInTheSameWriteAsThe101() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(Handshake.accept().subprotocol("v2")
                .greeting(WireFrame.text("hi"), WireFrame.ping("p")).header("X-A", "b"));
             Socket client = upgrade(server)) {
            String expected = ACCEPTED.replace("\r\n\r\n", "\r\nSec-WebSocket-Protocol: v2\r\nX-A: b\r\n\r\n");
            byte[] greeting = concat(WireFrame.text("hi").encode(), WireFrame.ping("p").encode());
            assertArrayEquals(concat(ascii(expected), greeting), readExactly(client, expected.length() + greeting.length));
        }
    }

    @Test
    void theServerReadsTheClientsFramesAndTheirMasking() throws Exception {
        try (ScriptedServer server = ScriptedServer.newBuilder().allowUnmaskedFrames().start(connection -> {
            assertEquals(ClientFrame.text("Hello"), connection.readFrame());
            ClientFrame unmasked = connection.readFrame();
            assertEquals(new ClientFrame(WireFrame.BINARY, true, 0, false, new byte[] {7}), unmasked);
            AssertionError error = assertThrows(AssertionError.class, () -> connection.received().expectEveryFrameMasked());
            assertTrue(error.getMessage().contains("unmasked frame"), error.getMessage());
            connection.received().expectClose(1000);
            connection.awaitClientClosed(Duration.ofSeconds(10));
        }); Socket client = upgrade(server)) {
            readExactly(client, ACCEPTED.length());
            client.getOutputStream().write(concat(WireFrame.text("Hello").masked().encode(),
                    WireFrame.binary(new byte[] {7}).encode(), WireFrame.close(1000, "").masked().encode()));
            client.shutdownOutput();
            server.awaitScripts(Duration.ofSeconds(10));
        }
    }

    @Test
    void anUnmaskedFrameFailsTheScriptByDefault() throws Exception {
        ScriptedServer server = ScriptedServer.start(connection -> connection.readFrame());
        try (Socket client = upgrade(server)) {
            readExactly(client, ACCEPTED.length());
            client.getOutputStream().write(WireFrame.text("plain").encode());
            AssertionError failed = assertThrows(AssertionError.class, () -> server.awaitScripts(Duration.ofSeconds(10)));
            assertTrue(failed.getMessage().contains("the client sent an unmasked frame, which RFC 6455, section 5.1 forbids"),
                    failed.getMessage());
        } finally {
            server.close();
        }
    }

    @Test
    void aRefusalIsAStatusLineHeadersAndABodyThenTheEnd() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(Handshake.refuse(401).header("WWW-Authenticate", "Bearer")
                .body("who are you?")); Socket client = upgrade(server)) {
            assertEquals("HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\nConnection: close\r\n"
                    + "WWW-Authenticate: Bearer\r\n\r\nwho are you?",
                    new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
        }
    }

    private static Socket upgrade(ScriptedServer server) throws IOException {
        Socket client = new Socket("127.0.0.1", server.port());
        client.setSoTimeout(10_000);
        client.getOutputStream().write(ascii("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        return client;
    }

    private static byte[] readExactly(Socket client, int length) throws IOException {
        return client.getInputStream().readNBytes(length);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
