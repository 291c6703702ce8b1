package dev.framewire.internal.receive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.CloseStatus;
import dev.framewire.MessageTooLargeException;
import dev.framewire.Opcode;
import dev.framewire.internal.Ending;

import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The joining, the loans and the size limit of readMessage, part by part, without a connection. */
public class MessageAssemblerTest {

    /** A frame as the assembler hands it back, for assertions. */
    public record Part(Opcode opcode, boolean last, String text, byte[] bytes) {
    }

    /** Makes plain values: a {@link Part} per frame; a {@code String} or {@code byte[]} per message. */
    public static final ReadResults<Part, Object> RESULTS = new ReadResults<>() {
        @Override
        public Part frame(Opcode opcode, boolean last, String text, byte[] bytes, CloseStatus close) {
            return new Part(opcode, last, text, bytes);
        }

        @Override
        public Object textMessage(String text) {
            return text;
        }

        @Override
        public Object binaryMessage(byte[] bytes) {
            return bytes;
        }
    };

    private static TextPart text(Opcode opcode, String text, boolean last) {
        return TextPart.copied(opcode, text, last);
    }

    private static Object add(MessageAssembler assembler, Inbound part) throws Exception {
        part.addTo(assembler);
        return assembler.takeMessage(RESULTS);
    }

    @Test
    void joinsTextAndBinaryPartsInOrder() throws Exception {
        MessageAssembler assembler = new MessageAssembler(100);
        assertNull(add(assembler, text(Opcode.TEXT, "ab", false)));
        assertNull(add(assembler, text(Opcode.CONTINUATION, "cd", false)));
        assertEquals("abcde", add(assembler, text(Opcode.CONTINUATION, "e", true)));
        assertNull(add(assembler, new BinaryPart(Opcode.BINARY, new byte[] {1}, false)));
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) add(assembler, new BinaryPart(Opcode.CONTINUATION, new byte[] {2, 3}, true)));
    }

    @Test
    void aMessageInOnePartIsReturnedWithoutACopy() throws Exception {
        MessageAssembler assembler = new MessageAssembler(100);
        String whole = "whole";
        byte[] bytes = {7};
        assertTrue(whole == add(assembler, text(Opcode.TEXT, whole, true)));
        assertTrue(bytes == add(assembler, new BinaryPart(Opcode.BINARY, bytes, true)));
    }

    @Test
    void lentPartsAreCopiedOnceWhenTheMessageIsJoinedAndTheirLoansEndThen() throws Exception {
        MessageAssembler assembler = new MessageAssembler(100);
        // As the JDK lends them: a fresh CharBuffer per part, positioned inside a larger array.
        CharBuffer first = CharBuffer.wrap("xxhello ".toCharArray(), 2, 6);
        TextPart lentFirst = TextPart.lent(Opcode.TEXT, first, false);
        TextPart lentLast = TextPart.lent(Opcode.CONTINUATION, CharBuffer.wrap("wörld"), true);
        assertNull(add(assembler, lentFirst));
        assertTrue(lentFirst.isLent(), "held lent until the message is joined: no copy per part");
        assertEquals("hello wörld", add(assembler, lentLast));
        assertFalse(lentFirst.isLent());
        assertFalse(lentLast.isLent());
        assertEquals(2, first.position(), "the JDK's buffer is read, not consumed");
    }

    @Test
    void aLongMessageHoldsCompactCopiesInsteadOfTheJdksBuffers() throws Exception {
        MessageAssembler assembler = new MessageAssembler(1 << 24);
        int half = MessageAssembler.KEEP_LENT_UP_TO_CHARS / 2;
        List<TextPart> parts = new ArrayList<>();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            String chars = String.valueOf((char) ('a' + i)).repeat(half) + "é";
            parts.add(TextPart.lent(i == 0 ? Opcode.TEXT : Opcode.CONTINUATION, CharBuffer.wrap(chars), false));
            expected.append(chars);
            assertNull(add(assembler, parts.get(i)));
        }
        for (TextPart part : parts) {
            assertFalse(part.isLent(), "past the limit every held part is a copy");
        }
        Part oldest = assembler.takeOldest().toFrame(RESULTS);
        assertEquals(Opcode.TEXT, oldest.opcode());
        assertEquals(expected.substring(0, half + 1), oldest.text());
        assertEquals(expected.substring(half + 1) + "!", add(assembler, text(Opcode.CONTINUATION, "!", true)));
    }

    @Test
    void aRefusedLentPartsLoanEndsAndSoDoTheHeldOnes() {
        MessageAssembler assembler = new MessageAssembler(5);
        TextPart held = TextPart.lent(Opcode.TEXT, CharBuffer.wrap("ab"), false);
        TextPart tooLong = TextPart.lent(Opcode.CONTINUATION, CharBuffer.wrap("cdef"), false);
        assertThrows(MessageTooLargeException.class, () -> {
            add(assembler, held);
            add(assembler, tooLong);
        });
        assertFalse(held.isLent());
        assertFalse(tooLong.isLent());
        assertEquals(0, assembler.heldParts());
    }

    @Test
    void resetEndsEveryLoan() throws Exception {
        MessageAssembler assembler = new MessageAssembler(100);
        TextPart lent = TextPart.lent(Opcode.TEXT, CharBuffer.wrap("held"), false);
        add(assembler, lent);
        assembler.reset();
        assertFalse(lent.isLent());
        assertEquals(0, assembler.heldParts());
    }

    @Test
    void theTextLimitCountsUtf8BytesNotChars() throws Exception {
        MessageAssembler assembler = new MessageAssembler(10);
        assertNull(add(assembler, text(Opcode.TEXT, "éé", false)));        // 4 bytes
        assertNull(add(assembler, text(Opcode.CONTINUATION, "éé", false))); // 8 bytes
        MessageTooLargeException tooLarge = assertThrows(MessageTooLargeException.class,
                () -> add(assembler, text(Opcode.CONTINUATION, "éé", true)));   // 12 bytes
        assertEquals(10, tooLarge.limit());
        assertEquals(12, tooLarge.size());
        assertEquals("0123456789", add(assembler, text(Opcode.TEXT, "0123456789", true)),
                "a refused message leaves nothing behind, and exactly the limit is accepted");
        assertThrows(MessageTooLargeException.class, () -> add(assembler, text(Opcode.TEXT, "éééééé", true)),
                "a message in one part is held to the limit too (6 chars, 12 bytes)");
    }

    @Test
    void theBinaryLimitIsExact() throws Exception {
        MessageAssembler assembler = new MessageAssembler(4);
        assertNull(add(assembler, new BinaryPart(Opcode.BINARY, new byte[3], false)));
        assertThrows(MessageTooLargeException.class,
                () -> add(assembler, new BinaryPart(Opcode.CONTINUATION, new byte[2], true)));
    }

    @Test
    void heldPartsComeOutFirstAsTheFramesTheyWereAndLeaveTheCountRight() throws Exception {
        MessageAssembler assembler = new MessageAssembler(12);
        add(assembler, text(Opcode.TEXT, "éééé", false));             // 8 bytes, counted exactly
        add(assembler, text(Opcode.CONTINUATION, "ab", false));       // 10 bytes
        Part first = assembler.takeOldest().toFrame(RESULTS);
        assertEquals(new Part(Opcode.TEXT, false, "éééé", null), first);
        assertTrue(assembler.holdsParts());
        assertNull(add(assembler, text(Opcode.CONTINUATION, "ééé", false))); // 2 + 6 bytes now
        Part second = assembler.takeOldest().toFrame(RESULTS);
        assertEquals(new Part(Opcode.CONTINUATION, false, "ab", null), second);
        assertEquals("éééxx", add(assembler, text(Opcode.CONTINUATION, "xx", true)));
        assertFalse(assembler.holdsParts());
    }

    @Test
    void aBinaryPartTakenByReadFrameNoLongerCountsAgainstTheLimit() throws Exception {
        MessageAssembler assembler = new MessageAssembler(8);
        assertNull(add(assembler, new BinaryPart(Opcode.BINARY, new byte[5], false)));
        assertEquals(1, assembler.heldParts());
        Part first = assembler.takeOldest().toFrame(RESULTS);
        assertEquals(5, first.bytes().length);
        assertFalse(assembler.holdsParts());
        assertNull(add(assembler, new BinaryPart(Opcode.CONTINUATION, new byte[4], false)));
        assertEquals(8, ((byte[]) add(assembler, new BinaryPart(Opcode.CONTINUATION, new byte[4], true))).length,
                "the 5 bytes readFrame took are not part of what readMessage returns, nor of its size");
    }

    @Test
    void aJoinedBinaryMessageLeavesNothingForTheNext() throws Exception {
        MessageAssembler assembler = new MessageAssembler(100);
        for (byte b = 1; b <= 2; b++) {
            assertNull(add(assembler, new BinaryPart(Opcode.BINARY, new byte[] {b}, false)));
            assertArrayEquals(new byte[] {b, b}, (byte[]) add(assembler, new BinaryPart(Opcode.CONTINUATION, new byte[] {b}, true)));
            assertEquals(0, assembler.heldParts());
        }
    }

    @Test
    void eachMessageStartsCountingFromZero() throws Exception {
        MessageAssembler assembler = new MessageAssembler(4);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) add(assembler, new BinaryPart(Opcode.BINARY, new byte[] {1, 2, 3}, true)));
            assertEquals("abc", add(assembler, text(Opcode.TEXT, "abc", true)));
            assertNull(add(assembler, text(Opcode.TEXT, "ab", false)));
            assertEquals("abcd", add(assembler, text(Opcode.CONTINUATION, "cd", true)));
        }
        assertNull(add(assembler, new BinaryPart(Opcode.BINARY, new byte[] {1}, false)));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) add(assembler, new BinaryPart(Opcode.CONTINUATION, new byte[] {2}, true)),
                "a joined message is sized by its own parts only");
    }

    @Test
    void pingsAndPongsAddNothingAndThePeersCloseEndsTheMessage() throws Exception {
        MessageAssembler assembler = new MessageAssembler(100);
        assertNull(add(assembler, text(Opcode.TEXT, "a", false)));
        assertNull(add(assembler, new ControlFrame(Opcode.PING, new byte[0], null)));
        assertEquals("ab", add(assembler, text(Opcode.CONTINUATION, "b", true)));
        Ending peer = new Ending(new CloseStatus(1000, "bye"), "The peer closed the connection", null, false);
        assertThrows(dev.framewire.ConnectionClosedException.class, () -> add(assembler, ControlFrame.close(peer)));
    }
    // ----------------------------------------------------------- many small parts: compacted

    @Test
    void manySmallBinaryPartsAreJoinedAsTheyArriveIntoOnePart() throws Exception {
        MessageAssembler assembler = new MessageAssembler(1 << 20);
        int parts = 10_000;
        for (int i = 0; i < parts - 1; i++) {
            assertNull(add(assembler, new BinaryPart(i == 0 ? Opcode.BINARY : Opcode.CONTINUATION, new byte[] {(byte) i}, false)));
            assertTrue(assembler.heldParts() <= MessageAssembler.LIST_PARTS_UP_TO + 1, "held " + assembler.heldParts());
        }
        byte[] joined = (byte[]) add(assembler, new BinaryPart(Opcode.CONTINUATION, new byte[] {(byte) (parts - 1)}, true));
        assertEquals(parts, joined.length);
        for (int i = 0; i < parts; i++) {
            assertEquals((byte) i, joined[i], "byte " + i);
        }
        assertFalse(assembler.holdsParts());
    }

    @Test
    void emptyPartsCountAsPartsAndAreCompactedToo() throws Exception {
        MessageAssembler assembler = new MessageAssembler(100);
        assertNull(add(assembler, text(Opcode.TEXT, "a", false)));
        for (int i = 0; i < 100_000; i++) {
            assertNull(add(assembler, text(Opcode.CONTINUATION, "", false)));
        }
        assertEquals(1, assembler.heldParts(), "a hundred thousand empty parts are held as nothing but their bytes");
        assertEquals("ab", add(assembler, text(Opcode.CONTINUATION, "b", true)));
    }

    @Test
    void manySmallTextPartsKeepEveryCharacterAndSurrogatePairsCutBetweenParts() throws Exception {
        MessageAssembler assembler = new MessageAssembler(1 << 20);
        StringBuilder expected = new StringBuilder();
        String[] pieces = {"a", "\u00e9", "\u20ac", "\uD83D", "\uDE00", "\uD83D\uDE00", "z"};
        for (int i = 0; i < 700; i++) {
            String piece = pieces[i % pieces.length];
            expected.append(piece);
            assertNull(add(assembler, text(i == 0 ? Opcode.TEXT : Opcode.CONTINUATION, piece, false)));
        }
        // A lent part, as the JDK's buffers are: read straight from the buffer, its loan ended.
        TextPart lent = TextPart.lent(Opcode.CONTINUATION, CharBuffer.wrap("end"), true);
        assertEquals(expected + "end", add(assembler, lent));
        assertTrue(lent.loanReturned().toCompletableFuture().isDone());
    }

    @Test
    void compactedPartsComeBackToReadFrameAsOnePartWithEveryByte() throws Exception {
        MessageAssembler assembler = new MessageAssembler(1 << 20);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            expected.append((char) ('a' + i % 26));
            assertNull(add(assembler, text(i == 0 ? Opcode.TEXT : Opcode.CONTINUATION, "" + (char) ('a' + i % 26), false)));
        }
        Part oldest = assembler.takeOldest().toFrame(RESULTS);
        assertEquals(new Part(Opcode.TEXT, false, expected.toString(), null), oldest);
        assertFalse(assembler.holdsParts());

        for (int i = 0; i < 200; i++) {
            assertNull(add(assembler, new BinaryPart(Opcode.CONTINUATION, new byte[] {(byte) i}, false)));
        }
        Part binary = assembler.takeOldest().toFrame(RESULTS);
        assertEquals(Opcode.CONTINUATION, binary.opcode(), "a continuation stays one");
        assertEquals(200, binary.bytes().length);
        assertEquals((byte) 199, binary.bytes()[199]);
    }

    @Test
    void largePartsAreHeldAsTheyCame() throws Exception {
        MessageAssembler assembler = new MessageAssembler(64 << 20);
        for (int i = 0; i < 1000; i++) {
            assertNull(add(assembler, new BinaryPart(i == 0 ? Opcode.BINARY : Opcode.CONTINUATION, new byte[1024], false)));
        }
        assertEquals(1000, assembler.heldParts(), "parts of 1 KiB cost little beside their payload: not compacted");
    }

    @Test
    void compactedMessagesAreRefusedAtTheLimit() throws Exception {
        MessageAssembler assembler = new MessageAssembler(1000);
        for (int i = 0; i < 1000; i++) {
            assertNull(add(assembler, new BinaryPart(i == 0 ? Opcode.BINARY : Opcode.CONTINUATION, new byte[] {1}, false)));
        }
        MessageTooLargeException tooLarge = assertThrows(MessageTooLargeException.class,
                () -> add(assembler, new BinaryPart(Opcode.CONTINUATION, new byte[] {1}, false)));
        assertEquals(1000, tooLarge.limit());
        assertFalse(assembler.holdsParts(), "a refused message is dropped");

        MessageAssembler text = new MessageAssembler(1000);
        for (int i = 0; i < 500; i++) {
            assertNull(add(text, text(i == 0 ? Opcode.TEXT : Opcode.CONTINUATION, "\u00e9", false))); // 2 bytes each
        }
        assertThrows(MessageTooLargeException.class, () -> add(text, text(Opcode.CONTINUATION, "x", false)));
    }
}
