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
import dev.framewire.internal.Utf8;

import java.io.ByteArrayOutputStream;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
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

    // ------------------------------------------------------------------- properties

    /** Characters of every UTF-8 length: a pair's halves land in two parts when a cut falls between them. */
    private static final String[] CODE_POINTS = {"a", "~", "\u00e9", "\u07ff", "\u0800", "\u20ac", "\uffee", "\uD83D\uDE00", "\uDBFF\uDFFF"};

    /**
     * A message cut into parts: its text (or bytes), where it is cut, and which parts are lent.
     * With {@code wholeCharacters} a cut between the two halves of a surrogate pair moves past the
     * pair, as the JDK cuts: its decoder keeps a character's incomplete bytes for the next part
     * ({@code UTF8AccumulatingDecoder}), so no part it hands over ends inside a pair. Without, the
     * cuts go anywhere: framewire does not rely on the JDK for that.
     */
    record Cut(boolean text, String chars, byte[] bytes, List<Integer> cuts, long lentSeed, boolean wholeCharacters) {

        /** {@return the message's size as the limit counts it: bytes, UTF-8 for text} */
        long size() {
            return text ? chars.getBytes(StandardCharsets.UTF_8).length : bytes.length;
        }

        /** {@return the parts, in order, cut at {@code cuts} (sorted, empty parts included)} */
        List<Inbound> parts() {
            int length = text ? chars.length() : bytes.length;
            List<Integer> at = cuts.stream().map(cut -> cut % (length + 1)).sorted().toList();
            java.util.Random lent = new java.util.Random(lentSeed);
            List<Inbound> parts = new ArrayList<>();
            int from = 0;
            for (int i = 0; i <= at.size(); i++) {
                int to = Math.max(from, i < at.size() ? at.get(i) : length);
                if (text && wholeCharacters && to > 0 && to < length && Character.isHighSurrogate(chars.charAt(to - 1))) {
                    to++;
                }
                Opcode opcode = i == 0 ? (text ? Opcode.TEXT : Opcode.BINARY) : Opcode.CONTINUATION;
                boolean last = i == at.size();
                if (text) {
                    String piece = chars.substring(from, to);
                    parts.add(lent.nextBoolean() ? TextPart.lent(opcode, CharBuffer.wrap(piece.toCharArray()), last)
                            : TextPart.copied(opcode, piece, last));
                } else {
                    parts.add(new BinaryPart(opcode, java.util.Arrays.copyOfRange(bytes, from, to), last));
                }
                from = to;
            }
            return parts;
        }

        @Override
        public String toString() {
            return (text ? "text of " + chars.length() + " chars" : "binary of " + bytes.length + " bytes") + " cut at " + cuts
                    + (wholeCharacters ? "" : ", inside pairs too");
        }
    }

    @Provide
    Arbitrary<Cut> messages() {
        Arbitrary<String> chars = Arbitraries.of(CODE_POINTS).list().ofMaxSize(400).map(list -> String.join("", list));
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        // Up to 300 cuts: more parts than the assembler lists before it compacts them.
        Arbitrary<List<Integer>> cuts = Arbitraries.integers().between(0, 1000).list().ofMaxSize(300);
        return Combinators.combine(Arbitraries.of(true, false), chars, bytes, cuts, Arbitraries.longs(), Arbitraries.of(true, false))
                .as(Cut::new);
    }

    @Provide
    Arbitrary<Cut> messagesAsTheJdkCutsThem() {
        return messages().map(cut -> new Cut(cut.text(), cut.chars(), cut.bytes(), cut.cuts(), cut.lentSeed(), true));
    }

    /**
     * Any message, cut anywhere the JDK may cut it, its text parts lent or copied, comes back
     * exactly, once, when its last part arrives; or, if it is larger than the limit, is refused;
     * and either way every loan has ended and nothing is left for the next message. (Cut inside
     * a surrogate pair, which the JDK does not do, each half counts three bytes, as
     * {@link Utf8#encodedLength} counts a lone one: such a message may be refused up to two bytes
     * a pair early, never late.)
     */
    @Property(tries = 1500)
    void aMessageComesBackExactlyOrIsRefusedPastTheLimit(@ForAll("messagesAsTheJdkCutsThem") Cut message,
                                                                    @ForAll @IntRange(min = 0, max = 1700) int limit)
            throws Exception {
        MessageAssembler assembler = new MessageAssembler(limit);
        List<Inbound> parts = message.parts();
        Object result = null;
        MessageTooLargeException refused = null;
        int handed = 0;
        for (Inbound part : parts) {
            handed++;
            try {
                result = add(assembler, part);
            } catch (MessageTooLargeException e) {
                refused = e;
                break;
            }
            if (!part.isLast()) {
                assertNull(result, "a message before its last part");
            }
        }
        if (message.size() > limit) {
            assertTrue(refused != null, message + " of " + message.size() + " bytes, past the limit of " + limit);
            assertEquals(limit, refused.limit());
            assertTrue(refused.size() > limit && refused.size() <= message.size(), "the size refused: " + refused.size());
        } else {
            assertNull(refused, message + " within the limit of " + limit);
            assertMessage(message, result);
        }
        assertLoansEnded(parts.subList(0, handed)); // the parts after a refusal are the reader's to drop

        assertFalse(assembler.holdsParts(), "nothing left for the next message");
        String next = "next".substring(0, Math.min(4, limit));
        assertEquals(next, add(assembler, TextPart.copied(Opcode.TEXT, next, true)), "the next message starts from zero");
    }

    /**
     * Any message, cut anywhere, read with a {@code readFrame} in between (after a timed-out
     * {@code readMessage}: the held parts come out first, as the parts they were or compacted into
     * one): what comes out as frames, and then as the rest of the message, is the message.
     */
    @Property(tries = 1000)
    void framesTakenInBetweenAndTheRestMakeTheMessage(@ForAll("messages") Cut message,
                                                      @ForAll @IntRange(min = 0, max = 300) int takeAfter)
            throws Exception {
        MessageAssembler assembler = new MessageAssembler(1 << 20);
        List<Inbound> parts = message.parts();
        ByteArrayOutputStream taken = new ByteArrayOutputStream();
        StringBuilder takenText = new StringBuilder();
        Object rest = null;
        for (int i = 0; i < parts.size(); i++) {
            rest = add(assembler, parts.get(i));
            if (i == takeAfter % parts.size() && !parts.get(i).isLast()) {
                boolean first = true;
                while (assembler.holdsParts()) {
                    Part frame = assembler.takeOldest().toFrame(RESULTS);
                    assertFalse(frame.last(), "a held part is never the last");
                    assertEquals(first ? (message.text() ? Opcode.TEXT : Opcode.BINARY) : Opcode.CONTINUATION, frame.opcode(),
                            "the first held part reads as the message's first");
                    first = false;
                    if (message.text()) {
                        takenText.append(frame.text());
                    } else {
                        taken.writeBytes(frame.bytes());
                    }
                }
            }
        }
        if (message.text()) {
            assertEquals(escaped(message.chars()), escaped(takenText + (String) rest), message + ", frames taken after part #" + takeAfter % parts.size());
        } else {
            taken.writeBytes((byte[]) rest);
            assertArrayEquals(message.bytes(), taken.toByteArray(), message.toString());
        }
        assertLoansEnded(parts);
    }

    /** Each char as {@code \\uXXXX}: a lone surrogate prints as '?' otherwise. */
    private static String escaped(CharSequence text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(String.format("\\u%04x", c)));
        return out.toString();
    }

    /**
     * As a reader uses the assembler: a {@code readMessage} times out partway, {@code readFrame}
     * takes some of the held parts (each call the oldest one; compacted parts all at once), and a
     * {@code readMessage} goes on. The limit counts only what is still held and what comes after:
     * the message is refused exactly when that, or the first parts alone, is more than the limit.
     */
    @Property(tries = 1500)
    void theLimitCountsWhatAReadFrameLeftAndWhatCameAfter(@ForAll("messagesAsTheJdkCutsThem") Cut message,
                                                          @ForAll @IntRange(min = 0, max = 1700) int limit,
                                                          @ForAll @IntRange(min = 0, max = 300) int timedOutAfter,
                                                          @ForAll @IntRange(min = 1, max = 400) int framesTaken)
            throws Exception {
        MessageAssembler assembler = new MessageAssembler(limit);
        List<Inbound> parts = message.parts();
        int k = timedOutAfter % parts.size();
        long prefix = 0;
        long taken = 0;
        for (int i = 0; i < parts.size(); i++) {
            Inbound part = parts.get(i);
            long size = sizeOf(part);
            try {
                Object result = add(assembler, part);
                if (part.isLast()) {
                    assertMessageOrRest(message, taken, result);
                    assertTrue(message.size() - taken <= limit, "accepted " + (message.size() - taken) + " bytes past the limit of "
                            + limit + ": " + message);
                }
            } catch (MessageTooLargeException refused) {
                long counted = i <= k ? prefix + size : message.size() - taken; // the most it can hold at this part
                assertTrue(counted > limit, "refused at part #" + i + " (" + refused.size() + " bytes counted) within the limit of "
                        + limit + ": " + message + ", " + taken + " bytes taken by readFrame");
                assertLoansEnded(parts.subList(0, i + 1));
                return;
            }
            prefix += size;
            if (i == k && !part.isLast()) {
                for (int f = 0; f < framesTaken && assembler.holdsParts(); f++) {
                    Part frame = assembler.takeOldest().toFrame(RESULTS);
                    taken += message.text() ? frame.text().getBytes(StandardCharsets.UTF_8).length : frame.bytes().length;
                }
            }
        }
        assertLoansEnded(parts);
    }

    private static long sizeOf(Inbound part) {
        if (part instanceof TextPart text) {
            return text.encodedLength();
        }
        return ((BinaryPart) part).bytes().length;
    }

    /** The rest of the message after {@code taken} bytes went to readFrame: the tail of its payload. */
    private static void assertMessageOrRest(Cut message, long taken, Object result) {
        if (message.text()) {
            byte[] utf8 = message.chars().getBytes(StandardCharsets.UTF_8);
            assertEquals(new String(utf8, (int) taken, utf8.length - (int) taken, StandardCharsets.UTF_8), result,
                    message + " after " + taken + " bytes went to readFrame");
        } else {
            assertArrayEquals(java.util.Arrays.copyOfRange(message.bytes(), (int) taken, message.bytes().length), (byte[]) result,
                    message + " after " + taken + " bytes went to readFrame");
        }
    }

    /**
     * The shrunk failure of {@link #framesTakenInBetweenAndTheRestMakeTheMessage}: a readFrame took
     * the parts up to a pair's high half, and the rest, which starts with the low half, came in
     * enough small parts to be compacted: the low half came back as '?'.
     */
    @Example
    void theRestOfAPairAReadFrameCutKeepsItsLowHalfWhenCompacted() throws Exception {
        MessageAssembler assembler = new MessageAssembler(1 << 20);
        assertNull(add(assembler, text(Opcode.TEXT, "\uD83D", false)));
        assertEquals(new Part(Opcode.TEXT, false, "\uD83D", null), assembler.takeOldest().toFrame(RESULTS));
        for (int i = 0; i < MessageAssembler.LIST_PARTS_UP_TO + 1; i++) {
            assertNull(add(assembler, text(Opcode.CONTINUATION, "", false)));
        }
        assertEquals("\uDE00!", add(assembler, text(Opcode.CONTINUATION, "\uDE00!", true)));
    }

    private static void assertMessage(Cut message, Object result) {
        if (message.text()) {
            assertEquals(message.chars(), result, message.toString());
        } else {
            assertArrayEquals(message.bytes(), (byte[]) result, message.toString());
        }
    }

    private static void assertLoansEnded(List<Inbound> parts) {
        for (Inbound part : parts) {
            if (part instanceof TextPart text) {
                assertFalse(text.isLent(), "a loan still open: the JDK's buffer would never come back");
            }
        }
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
