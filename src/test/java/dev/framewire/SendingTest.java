package dev.framewire;

import static dev.framewire.testing.Clients.WAIT;
import static dev.framewire.testing.Clients.waiting;
import static dev.framewire.testing.FrameAssertions.assertBinaryFrame;
import static dev.framewire.testing.FrameAssertions.assertFrame;
import static dev.framewire.testing.FrameAssertions.assertRoundTrip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.EchoServerExtension;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/sending.md, end to end through the Jetty echo server: text and binary fragments stay
 * fragments both ways, a whole or text send inside an unfinished binary message is refused, and
 * what a send does to the caller's buffer: the peer receives exactly the caller's bytes whatever
 * the buffer's byte order, and a send that returned leaves the position at the limit and nothing
 * else changed. Before framewire handed the JDK a big-endian view, a little-endian buffer of
 * eight bytes or more reached the peer reordered on JDK 17 (JDK-8351339; docs/jdk-defects.md),
 * unless the JDK build carries the backport. Refused arguments are {@link ArgumentChecksTest}'s.
 */
@Timeout(30)
class SendingTest {

    @RegisterExtension
    static final EchoServerExtension server = new EchoServerExtension();

    private static FrameSocket connect() throws IOException {
        return waiting().connect(server.uri());
    }

    /** Little-endian numbers, the usual reason a buffer has that order. */
    private static ByteBuffer littleEndianLongs(ByteBuffer into) {
        into.order(ByteOrder.LITTLE_ENDIAN);
        for (long v = 1; into.remaining() >= Long.BYTES; v++) {
            into.putLong(v * 0x0102030405060708L);
        }
        return into.flip();
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    @Test
    void aLittleEndianBufferArrivesAsItsBytes() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(server.uri())) {
            for (ByteBuffer buffer : List.of(littleEndianLongs(ByteBuffer.allocate(64)),
                    littleEndianLongs(ByteBuffer.allocateDirect(20_000)),
                    littleEndianLongs(ByteBuffer.allocate(4096)).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN))) {
                byte[] expected = bytesOf(buffer);
                int limit = buffer.limit();
                ws.sendBinary(buffer);
                assertEquals(limit, buffer.position(), "the position moved to the limit");
                assertEquals(ByteOrder.LITTLE_ENDIAN, buffer.order(), "the caller's order is left alone");
                assertArrayEquals(expected, ws.readMessage().bytes(), "sendBinary of " + buffer);

                ByteBuffer first = littleEndianLongs(ByteBuffer.allocate(24));
                ByteBuffer second = littleEndianLongs(ByteBuffer.allocate(16));
                byte[] joined = new byte[40];
                System.arraycopy(bytesOf(first), 0, joined, 0, 24);
                System.arraycopy(bytesOf(second), 0, joined, 24, 16);
                ws.sendFrame(first, false);
                ws.sendFrame(second, true);
                assertArrayEquals(joined, ws.readMessage().bytes(), "sendFrame of little-endian buffers");
            }
        }
    }

    @Test
    void aLittleEndianPingPayloadComesBackInItsPong() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).pongAutoConsume(false).connect(server.uri())) {
            ByteBuffer payload = littleEndianLongs(ByteBuffer.allocate(120));
            byte[] expected = bytesOf(payload);
            ws.sendPing(payload);
            assertEquals(120, payload.position());
            Frame pong = ws.readFrame();
            assertEquals(Opcode.PONG, pong.opcode());
            assertArrayEquals(expected, pong.bytes(), "the Pong carries the Ping's bytes as the caller wrote them");
        }
    }
    @Test
    void byteArrayAndTextFormsOfEverySendArriveAsTheirBytes() throws IOException {
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).pongAutoConsume(false).connect(server.uri())) {
            ws.sendBinary(new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, ws.readMessage().bytes());
            ws.sendPing(new byte[] {4, 5});
            assertArrayEquals(new byte[] {4, 5}, ws.readFrame().bytes(), "the Pong answering sendPing(byte[])");
            ws.sendPong("caf\u00e9");                 // unsolicited: the echo server answers nothing
            ws.sendPong(new byte[] {6});
            ws.sendText("after");
            assertEquals("after", ws.readMessage().text());
            assertThrows(IllegalArgumentException.class, () -> ws.sendPong(new byte[126]));
            assertThrows(IllegalArgumentException.class, () -> ws.sendPing(new byte[126]));
            assertThrows(NullPointerException.class, () -> ws.sendBinary((byte[]) null));
        }
    }

    @Test
    void toStringCarriesTheLogTagThatTellsConnectionsApart() throws IOException {
        try (FrameSocket a = FrameSocket.connect(server.uri()); FrameSocket b = FrameSocket.connect(server.uri())) {
            String tagA = a.toString().replaceAll("^FrameSocket\\[(fw-[0-9a-f]{8}) .*", "$1");
            String tagB = b.toString().replaceAll("^FrameSocket\\[(fw-[0-9a-f]{8}) .*", "$1");
            assertTrue(tagA.matches("fw-[0-9a-f]{8}"), a.toString());
            assertTrue(a.toString().contains(server.uri().toString()), a.toString());
            assertNotEquals(tagA, tagB);
        }
    }

    @Test
    void textFragmentsStayFragmentsBothWaysAndThePongBetweenThemIsConsumed() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame("a", false);
            ws.sendPing("p");
            ws.sendFrame("b", false);
            ws.sendFrame("c", true);

            Frame first = ws.readFrame(WAIT);
            Frame second = ws.readFrame(WAIT);
            Frame third = ws.readFrame(WAIT);
            assertFrame(Opcode.TEXT, false, "a", first);
            assertFrame(Opcode.CONTINUATION, false, "b", second);
            assertFrame(Opcode.CONTINUATION, true, "c", third);
            assertTrue(first.isText());
            assertTrue(second.isText(), "a continuation of a text message is text");
            assertTrue(third.isText(), "a continuation of a text message is text");
            // The Pong came back between "a" and "b"; nothing else may be pending either.
            assertRoundTrip(ws, "after");
        }
    }

    @Test
    void binaryFragmentsStayFragmentsBothWaysFromArraysAndBuffers() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame(new byte[] {1, 2, 3}, false);
            ws.sendPing("p");
            ByteBuffer middle = ByteBuffer.wrap(new byte[] {9, 4, 5, 9}, 1, 2);
            ws.sendFrame(middle, false);
            assertEquals(0, middle.remaining(), "the buffer's position moves to its limit");
            ws.sendFrame(ByteBuffer.wrap(new byte[] {6}), true);

            assertBinaryFrame(Opcode.BINARY, false, new byte[] {1, 2, 3}, ws.readFrame(WAIT));
            assertBinaryFrame(Opcode.CONTINUATION, false, new byte[] {4, 5}, ws.readFrame(WAIT));
            assertBinaryFrame(Opcode.CONTINUATION, true, new byte[] {6}, ws.readFrame(WAIT));
            assertRoundTrip(ws, "after");
        }
    }

    @Test
    void wholeOrTextSendsInsideAnUnfinishedBinaryMessageAreRefused() throws IOException {
        try (FrameSocket ws = connect()) {
            ws.sendFrame(new byte[] {1, 2}, false);

            IllegalStateException whole = assertThrows(IllegalStateException.class,
                    () -> ws.sendBinary(ByteBuffer.wrap(new byte[] {7})));
            assertTrue(whole.getMessage().contains("finish it first"), whole.getMessage());
            IllegalStateException text = assertThrows(IllegalStateException.class, () -> ws.sendFrame("t", false));
            assertTrue(text.getMessage().contains("finish it first"), text.getMessage());
            assertThrows(IllegalStateException.class, () -> ws.sendText("t"));

            ws.sendFrame(new byte[] {3}, true);
            ws.sendBinary(ByteBuffer.wrap(new byte[] {8, 9}));

            assertBinaryFrame(Opcode.BINARY, false, new byte[] {1, 2}, ws.readFrame(WAIT));
            assertBinaryFrame(Opcode.CONTINUATION, true, new byte[] {3}, ws.readFrame(WAIT));
            assertBinaryFrame(Opcode.BINARY, true, new byte[] {8, 9}, ws.readFrame(WAIT));
            assertRoundTrip(ws, "after");
        }
    }
}
