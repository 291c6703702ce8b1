package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The joining and the size limit of readMessage, part by part. */
class MessageAssemblerTest {

    @Test
    void joinsTextAndBinaryPartsInOrder() throws Exception {
        MessageAssembler assembler = new MessageAssembler(100);
        assertNull(assembler.add(Frame.ofText(Opcode.TEXT, "ab", false)));
        assertNull(assembler.add(Frame.ofText(Opcode.CONTINUATION, "cd", false)));
        assertEquals(Message.ofText("abcde"), assembler.add(Frame.ofText(Opcode.CONTINUATION, "e", true)));
        assertNull(assembler.add(Frame.ofBinary(Opcode.BINARY, new byte[] {1}, false)));
        assertArrayEquals(new byte[] {1, 2, 3}, assembler.add(Frame.ofBinary(Opcode.CONTINUATION, new byte[] {2, 3}, true)).bytes());
    }

    @Test
    void theTextLimitCountsUtf8BytesNotChars() throws Exception {
        MessageAssembler assembler = new MessageAssembler(10);
        assertNull(assembler.add(Frame.ofText(Opcode.TEXT, "éé", false)));        // 4 bytes
        assertNull(assembler.add(Frame.ofText(Opcode.CONTINUATION, "éé", false))); // 8 bytes
        MessageTooLargeException tooLarge = assertThrows(MessageTooLargeException.class,
                () -> assembler.add(Frame.ofText(Opcode.CONTINUATION, "éé", true)));   // 12 bytes
        assertEquals(10, tooLarge.limit());
        assertEquals(12, tooLarge.size());
        assertEquals(Message.ofText("0123456789"), assembler.add(Frame.ofText(Opcode.TEXT, "0123456789", true)),
                "a refused message leaves nothing behind, and exactly the limit is accepted");
    }

    @Test
    void theBinaryLimitIsExact() throws Exception {
        MessageAssembler assembler = new MessageAssembler(4);
        assertNull(assembler.add(Frame.ofBinary(Opcode.BINARY, new byte[3], false)));
        assertThrows(MessageTooLargeException.class, () -> assembler.add(Frame.ofBinary(Opcode.CONTINUATION, new byte[2], true)));
    }

    @Test
    void heldPartsComeOutFirstAndLeaveTheCountRight() throws Exception {
        MessageAssembler assembler = new MessageAssembler(12);
        assembler.add(Frame.ofText(Opcode.TEXT, "éééé", false));             // 8 bytes, counted exactly
        assertEquals("éééé", assembler.takeHeldPart().text());
        assertNull(assembler.add(Frame.ofText(Opcode.CONTINUATION, "ééé", false))); // 6 bytes now
        assertEquals(Message.ofText("éééxx"), assembler.add(Frame.ofText(Opcode.CONTINUATION, "xx", true)));
    }

    @Test
    void eachMessageStartsCountingFromZero() throws Exception {
        MessageAssembler assembler = new MessageAssembler(4);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(new byte[] {1, 2, 3}, assembler.add(Frame.ofBinary(Opcode.BINARY, new byte[] {1, 2, 3}, true)).bytes());
            assertEquals(Message.ofText("abc"), assembler.add(Frame.ofText(Opcode.TEXT, "abc", true)));
        }
        assertNull(assembler.add(Frame.ofBinary(Opcode.BINARY, new byte[] {1}, false)));
        assertArrayEquals(new byte[] {1, 2}, assembler.add(Frame.ofBinary(Opcode.CONTINUATION, new byte[] {2}, true)).bytes(),
                "a joined message is sized by its own parts only");
    }
}
