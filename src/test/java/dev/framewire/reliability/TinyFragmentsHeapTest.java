package dev.framewire.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.FrameSocket;
import dev.framewire.Message;
import dev.framewire.MessageStream;
import dev.framewire.MessageTooLargeException;
import dev.framewire.Opcode;
import dev.framewire.testing.JettyEchoServer;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.ServerConnection;
import dev.framewire.testkit.WireFrame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A hostile peer that cuts one small message into millions of one-byte fragments, run with
 * {@code -Xmx64m} (tag {@code heap64m}, see .ci/run). Each held part used to cost about 50 bytes
 * beside its payload, so 2,000,000 fragments (1.9 MiB) ended in {@code OutOfMemoryError}, also on
 * the shared client's threads, which took every other connection with it; and 20,000,000 ran out
 * of heap before the 16 MiB limit refused the message. Now the message costs about its bytes, and
 * another connection of the same client carries on.
 */
@Tag("heap64m")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TinyFragmentsHeapTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int FRAMES_PER_WRITE = 30_000;

    /** Sends one message as {@code fragments} one-byte frames ('a', 'b', …, cycling), in big writes. */
    private static void sendInOneByteFragments(ServerConnection c, int opcode, long fragments) throws IOException {
        byte[] chunk = new byte[FRAMES_PER_WRITE * 3];
        for (long sent = 0; sent < fragments; ) {
            int n = (int) Math.min(FRAMES_PER_WRITE, fragments - sent);
            for (int i = 0; i < n; i++) {
                long index = sent + i;
                chunk[3 * i] = (byte) ((index == fragments - 1 ? 0x80 : 0) | (index == 0 ? opcode : 0));
                chunk[3 * i + 1] = 1;
                chunk[3 * i + 2] = (byte) ('a' + index % 26);
            }
            c.sendRaw(java.util.Arrays.copyOf(chunk, 3 * n));
            sent += n;
        }
    }

    private static boolean isExpected(byte[] bytes, long length) {
        if (bytes.length != length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != (byte) ('a' + i % 26)) {
                return false;
            }
        }
        return true;
    }

    private static long heapUsed() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Test
    void twoMillionOneByteFragmentsArriveWholeAsBinaryAndAsText() throws Exception {
        long fragments = 2_000_000;
        try (ScriptedServer server = ScriptedServer.start(c -> {
            c.readFrame(WAIT); // the client speaks first: megabytes right behind the 101 meet the JDK's greeting loss
            sendInOneByteFragments(c, WireFrame.BINARY, fragments);
            sendInOneByteFragments(c, WireFrame.TEXT, fragments);
            sendInOneByteFragments(c, WireFrame.BINARY, fragments);
            c.awaitClientClosed(WAIT);
        }); FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(server.uri())) {
            ws.sendText("go");
            Message binary = ws.readMessage();
            assertEquals(Opcode.BINARY, binary.type());
            assertTrue(isExpected(binary.bytes(), fragments), "2,000,000 bytes, exact");
            Message text = ws.readMessage();
            assertEquals(Opcode.TEXT, text.type());
            assertTrue(isExpected(text.text().getBytes(java.nio.charset.StandardCharsets.US_ASCII), fragments));
            // And as a stream: bounded by the receive queue, whatever the fragmentation.
            ByteArrayOutputStream streamed = new ByteArrayOutputStream();
            try (MessageStream in = ws.readMessageStream()) {
                in.transferTo(streamed);
            }
            assertTrue(isExpected(streamed.toByteArray(), fragments));
            System.out.println("heap used after three messages of 2,000,000 one-byte fragments: "
                    + heapUsed() / 1024 + " KiB");
        }
    }

    @Test
    void twentyMillionOneByteFragmentsAreRefusedAtTheLimitAndTheClientsOtherConnectionCarriesOn() throws Exception {
        long fragments = 20_000_000;
        try (JettyEchoServer echo = JettyEchoServer.start();
             FrameSocket bystander = FrameSocket.newBuilder().readTimeout(WAIT).connect(echo.uri());
             ScriptedServer hostile = ScriptedServer.start(c -> {
                 try {
                     c.readFrame(WAIT); // the client speaks first (docs/jdk-defects.md, the greeting loss)
                     sendInOneByteFragments(c, WireFrame.BINARY, fragments);
                 } catch (IOException refusedAndClosed) {
                     // the client refused the message and closed: writing on fails, as it should
                 }
             });
             FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(hostile.uri())) {
            ws.sendText("go");
            MessageTooLargeException tooLarge = assertThrows(MessageTooLargeException.class, ws::readMessage);
            assertEquals(16 << 20, tooLarge.limit());
            assertTrue(tooLarge.getMessage().contains(String.valueOf((16 << 20) + 1)), tooLarge.getMessage());
            bystander.sendText("still here");
            assertEquals("still here", bystander.readMessage().text());
        }
    }
}
