package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.internal.TextPart;

import java.nio.CharBuffer;
import java.util.concurrent.CompletionStage;

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
    void aLentPartIsCopiedOnceAndItsLoanEndsWhenAdded() throws Exception {
        MessageAssembler assembler = new MessageAssembler(100);
        // As the JDK lends them: a fresh CharBuffer per part, positioned inside a larger array.
        CharBuffer first = CharBuffer.wrap("xxhello ".toCharArray(), 2, 6);
        TextPart lentFirst = TextPart.lent(Opcode.TEXT, first, false);
        TextPart lentLast = TextPart.lent(Opcode.CONTINUATION, CharBuffer.wrap("wörld"), true);
        CompletionStage<?> firstLoan = lentFirst.loanReturned();
        assertFalse(firstLoan.toCompletableFuture().isDone());
        assertNull(assembler.add(lentFirst));
        assertTrue(firstLoan.toCompletableFuture().isDone(), "the JDK's buffer is free once copied");
        assertEquals(2, first.position(), "the JDK's buffer is read, not consumed");
        assertEquals(Message.ofText("hello wörld"), assembler.add(lentLast));
        assertTrue(lentLast.loanReturned().toCompletableFuture().isDone());
    }

    @Test
    void aRefusedLentPartsLoanEndsToo() {
        MessageAssembler assembler = new MessageAssembler(3);
        TextPart tooLong = TextPart.lent(Opcode.TEXT, CharBuffer.wrap("abcd"), false);
        assertThrows(MessageTooLargeException.class, () -> assembler.add(tooLong));
        assertTrue(tooLong.loanReturned().toCompletableFuture().isDone());
    }

    @Test
    void aShortMessageAfterALongOneHoldsNothingOfIt() throws Exception {
        // The builder is reused across messages (and connections): nothing of one may show in the next.
        MessageAssembler assembler = new MessageAssembler(1 << 20);
        String long1 = "a".repeat(5000);
        assertNull(assembler.add(Frame.ofText(Opcode.TEXT, long1, false)));
        assertEquals(Message.ofText(long1 + "é"), assembler.add(Frame.ofText(Opcode.CONTINUATION, "é", true)));
        assertNull(assembler.add(Frame.ofText(Opcode.TEXT, "b", false)));
        assertEquals(Message.ofText("bc"), assembler.add(Frame.ofText(Opcode.CONTINUATION, "c", true)));
    }

    @Test
    void aMessageLongerThanTheSpareBuilderIsJoinedFromItsPartsAndTheyStillComeBackOneByOne() throws Exception {
        MessageAssembler assembler = new MessageAssembler(1 << 24);
        int max = SpareStringBuilder.MAX_JOINED_CHARS;
        String a = "a".repeat(max / 2);
        String b = "b".repeat(max / 2);
        String c = "c\u00e9".repeat(max / 4);
        assertNull(assembler.add(TextPart.lent(Opcode.TEXT, CharBuffer.wrap(a), false)));
        assertNull(assembler.add(TextPart.lent(Opcode.CONTINUATION, CharBuffer.wrap(b), false)));
        assertNull(assembler.add(TextPart.lent(Opcode.CONTINUATION, CharBuffer.wrap(c), false))); // past the spare
        Frame first = assembler.takeHeldPart();
        assertEquals(Opcode.TEXT, first.opcode());
        assertEquals(a, first.text());
        assertEquals(Message.ofText(b + c + "!"), assembler.add(Frame.ofText(Opcode.CONTINUATION, "!", true)));
        assertEquals(Message.ofText("xy"), join(assembler, "x", "y"), "the spare is back and empty");
    }

    @Test
    void whileAnotherReaderHoldsTheSpareBuilderPartsAreJoinedWithoutIt() throws Exception {
        StringBuilder held = SpareStringBuilder.take();
        try {
            MessageAssembler assembler = new MessageAssembler(100);
            assertEquals(Message.ofText("left right"), join(assembler, "left ", "right"));
            assertNull(assembler.add(Frame.ofText(Opcode.TEXT, "one", false)));
            assertNull(assembler.add(TextPart.lent(Opcode.CONTINUATION, CharBuffer.wrap("two"), false)));
            assertEquals("one", assembler.takeHeldPart().text());
            assertEquals(Message.ofText("twothree"), assembler.add(Frame.ofText(Opcode.CONTINUATION, "three", true)));
        } finally {
            if (held != null) {
                SpareStringBuilder.giveBack(held);
            }
        }
    }

    private static Message join(MessageAssembler assembler, String first, String last) throws Exception {
        assertNull(assembler.add(Frame.ofText(Opcode.TEXT, first, false)));
        return assembler.add(Frame.ofText(Opcode.CONTINUATION, last, true));
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
        assertEquals(Message.ofText("0123456789"), assembler.addWhole("0123456789"),
                "a refused message leaves nothing behind, and exactly the limit is accepted");
        assertThrows(MessageTooLargeException.class, () -> assembler.addWhole("éééééé"),
                "a message in one part is held to the limit too (6 chars, 12 bytes)");
    }

    @Test
    void theBinaryLimitIsExact() throws Exception {
        MessageAssembler assembler = new MessageAssembler(4);
        assertNull(assembler.add(Frame.ofBinary(Opcode.BINARY, new byte[3], false)));
        assertThrows(MessageTooLargeException.class, () -> assembler.add(Frame.ofBinary(Opcode.CONTINUATION, new byte[2], true)));
    }

    @Test
    void heldPartsComeOutFirstAsTheFramesTheyWereAndLeaveTheCountRight() throws Exception {
        MessageAssembler assembler = new MessageAssembler(12);
        assembler.add(Frame.ofText(Opcode.TEXT, "éééé", false));             // 8 bytes, counted exactly
        assembler.add(Frame.ofText(Opcode.CONTINUATION, "ab", false));       // 10 bytes
        Frame first = assembler.takeHeldPart();
        assertEquals(Opcode.TEXT, first.opcode());
        assertEquals("éééé", first.text());
        assertFalse(first.isFinal());
        assertTrue(assembler.holdsParts());
        assertNull(assembler.add(Frame.ofText(Opcode.CONTINUATION, "ééé", false))); // 2 + 6 bytes now
        Frame second = assembler.takeHeldPart();
        assertEquals(Opcode.CONTINUATION, second.opcode());
        assertEquals("ab", second.text());
        assertEquals(Message.ofText("éééxx"), assembler.add(Frame.ofText(Opcode.CONTINUATION, "xx", true)));
        assertFalse(assembler.holdsParts());
    }

    @Test
    void eachMessageStartsCountingFromZero() throws Exception {
        MessageAssembler assembler = new MessageAssembler(4);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(new byte[] {1, 2, 3}, assembler.add(Frame.ofBinary(Opcode.BINARY, new byte[] {1, 2, 3}, true)).bytes());
            assertEquals(Message.ofText("abc"), assembler.addWhole("abc"));
            assertNull(assembler.add(Frame.ofText(Opcode.TEXT, "ab", false)));
            assertEquals(Message.ofText("abcd"), assembler.add(Frame.ofText(Opcode.CONTINUATION, "cd", true)));
        }
        assertNull(assembler.add(Frame.ofBinary(Opcode.BINARY, new byte[] {1}, false)));
        assertArrayEquals(new byte[] {1, 2}, assembler.add(Frame.ofBinary(Opcode.CONTINUATION, new byte[] {2}, true)).bytes(),
                "a joined message is sized by its own parts only");
    }
}
