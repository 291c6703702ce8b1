package dev.framewire.reliability;

import static dev.framewire.testing.Clients.WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.FrameSocket;
import dev.framewire.Message;
import dev.framewire.MessageTooLargeException;
import dev.framewire.Opcode;
import dev.framewire.testing.EchoServerExtension;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code maxMessageSize} limits each message on its own: messages under the limit are never
 * refused however many arrive, and a message read after others has exactly its own bytes. (The
 * refusal of one message over the limit is covered by ReadingTest.)
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MessageSizeLimitTest {

    @RegisterExtension
    static final EchoServerExtension server = new EchoServerExtension();

    @Test
    void manyBinaryMessagesUnderTheLimitAreNeverRefusedThoughTogetherTheyExceedIt() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().maxMessageSize(1000).connect(server.uri())) {
            for (int i = 0; i < 10; i++) {
                byte[] bytes = new byte[600];
                Arrays.fill(bytes, (byte) i);
                ws.sendBinary(ByteBuffer.wrap(bytes));
                try {
                    assertArrayEquals(bytes, ws.readMessage(WAIT).bytes(), "message " + i);
                } catch (MessageTooLargeException e) {
                    throw new AssertionError("message " + i + " of 600 bytes was refused: " + e.getMessage(), e);
                }
            }
            assertTrue(ws.isOpen());
        }
    }

    @Test
    void aFragmentedBinaryMessageReadAfterWholeOnesHasExactlyItsOwnBytes() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().connect(server.uri())) {
            ws.sendBinary(ByteBuffer.wrap(new byte[3000]));
            assertEquals(3000, ws.readMessage(WAIT).bytes().length);

            byte[] first = {1, 2, 3};
            byte[] second = {4, 5};
            ws.sendFrame(first, false);
            ws.sendFrame(second, true);
            Message joined = ws.readMessage(WAIT);
            assertEquals(Opcode.BINARY, joined.type());
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, joined.bytes());
        }
    }

    @Test
    void manyTextMessagesUnderTheLimitAreNeverRefusedAndAFragmentedOneAfterThemIsExact() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().maxMessageSize(1000).connect(server.uri())) {
            for (int i = 0; i < 5; i++) {
                String text = String.valueOf(i).repeat(900);
                ws.sendText(text);
                try {
                    assertEquals(text, ws.readMessage(WAIT).text());
                } catch (MessageTooLargeException e) {
                    throw new AssertionError("message " + i + " of 900 bytes was refused: " + e.getMessage(), e);
                }
            }
            ws.sendFrame("ab", false);
            ws.sendFrame("c", true);
            assertEquals("abc", ws.readMessage(WAIT).text());
        }
    }
}
