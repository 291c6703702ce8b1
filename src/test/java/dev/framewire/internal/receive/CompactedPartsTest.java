package dev.framewire.internal.receive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.Opcode;
import dev.framewire.internal.Utf8;
import dev.framewire.internal.receive.MessageAssemblerTest.Part;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link CompactedParts} on its own: text cut anywhere (inside a surrogate pair, around lone
 * surrogates, into empty parts) comes back exactly as {@link String#getBytes} would encode the
 * whole; the size it reports is the UTF-8 length the limit counts, and is what {@code sizeWith}
 * predicted; and the array it holds stays within the limit, which is the point of the class.
 */
class CompactedPartsTest {

    /** Characters from every UTF-8 length, and both halves of a pair on their own. */
    private static final char[] CHARS = {'a', 'z', '\u007f', '\u0080', '\u00e9', '\u07ff', '\u0800', '\u20ac',
            '\uffff', '\uD83D', '\uDE00', '\uDBFF', '\uDC00'};

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.of(CHARS).list().ofMaxSize(200)
                .map(chars -> chars.stream().collect(StringBuilder::new, StringBuilder::append, StringBuilder::append).toString());
    }

    @Property(tries = 2000)
    void textCutAnywhereComesBackAsTheWholeWouldEncode(@ForAll("text") String text,
                                                       @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 200) Integer> cuts) {
        List<String> parts = cut(text, cuts);
        long limit = Utf8.encodedLength(text); // what the assembler lets through: sizeWith never passes it
        CompactedParts compacted = new CompactedParts(Opcode.TEXT, Opcode.TEXT, limit);
        StringBuilder joined = new StringBuilder();
        for (String part : parts) {
            long predicted = compacted.sizeWith(part, Utf8.encodedLength(part));
            appendText(compacted, part);
            joined.append(part);
            Held held = Held.of(joined);
            assertEquals(held.size(), compacted.size(), "bytes held after " + escaped(parts));
            // sizeWith never counts fewer bytes than the append writes, so the limit is never
            // passed unseen and the array grown by that much always has room. Text from the JDK
            // is valid UTF-8, whose only lone surrogates are a pair's halves at the ends of parts:
            // once such text is whole, the count is exact. (A lone surrogate elsewhere is
            // written as one '?' but counted as three, and a half held back is counted before it
            // is written: the limit errs on the safe side.)
            assertTrue(predicted >= held.size(), "sizeWith's prediction " + predicted + " after " + escaped(parts));
            if (held.asTheJdkSendsIt()) {
                assertEquals(held.size(), predicted, "sizeWith's prediction for valid text after " + escaped(parts));
            }
            assertTrue(compacted.capacity() <= limit + 4, "the array " + compacted.capacity() + " for a limit of " + limit + " after " + escaped(parts));
        }
        assertEquals(escaped(List.of(Held.of(text).text())), escaped(List.of(compacted.toText())), "the text of " + escaped(parts));
    }

    /**
     * What text joined so far is held as: a low surrogate that starts it as it came (the rest of a
     * pair whose first half a {@code readFrame} took), then the text as {@link String#getBytes}
     * encodes it (a lone surrogate as {@code '?'}), then a high surrogate still waiting for its pair.
     *
     * @param text             the text {@code toText()} returns
     * @param size             the bytes {@code size()} counts: the leading low surrogate as three
     * @param asTheJdkSendsIt  whether the text could come from the JDK: no unpaired surrogate but those two
     */
    private record Held(String text, int size, boolean asTheJdkSendsIt) {

        static Held of(CharSequence joined) {
            String all = joined.toString();
            String lead = !all.isEmpty() && Character.isLowSurrogate(all.charAt(0)) ? all.substring(0, 1) : "";
            String rest = all.substring(lead.length());
            String pending = endsWithHighSurrogate(rest) ? rest.substring(rest.length() - 1) : "";
            String middle = rest.substring(0, rest.length() - pending.length());
            return new Held(lead + roundTrip(middle) + pending, 3 * lead.length() + middle.getBytes(StandardCharsets.UTF_8).length,
                    pending.isEmpty() && Utf8.firstUnpairedSurrogate(middle, false) == Utf8.NONE);
        }
    }

    /** The shrunk failure of MessageAssemblerTest.framesTakenInBetweenAndTheRestMakeTheMessage: the rest of a pair. */
    @Example
    void aLowSurrogateThatStartsTheTextIsKeptAsItCame() {
        CompactedParts compacted = new CompactedParts(Opcode.TEXT, Opcode.CONTINUATION, 100);
        appendText(compacted, "");
        appendText(compacted, "\uDE00");
        assertEquals(3, compacted.size(), "counted as Utf8.encodedLength counts it, as the list of parts does");
        appendText(compacted, "b\uDE00");
        assertEquals("\uDE00b?", compacted.toText(), "only the one that starts the text: any other is '?'");
        assertEquals(5, compacted.size());
    }

    @Property(tries = 500)
    void bytesCutAnywhereComeBackInOrderAndExactlySized(@ForAll @Size(max = 300) byte[] payload,
                                                        @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 300) Integer> cuts) {
        CompactedParts compacted = new CompactedParts(Opcode.BINARY, Opcode.CONTINUATION, payload.length);
        int from = 0;
        for (int to : sortedWithin(cuts, payload.length)) {
            compacted.append(java.util.Arrays.copyOfRange(payload, from, to));
            from = to;
            assertEquals(from, compacted.size());
            assertTrue(compacted.capacity() <= Math.max(payload.length + 4, 64), "the array " + compacted.capacity());
        }
        compacted.append(java.util.Arrays.copyOfRange(payload, from, payload.length));
        assertArrayEquals(payload, compacted.toBytes());
        assertEquals(payload.length, compacted.toBytes().length);
    }

    @Example
    void aPairCutBetweenPartsIsOneFourByteCharacterAndALoneHalfIsAQuestionMark() {
        CompactedParts compacted = new CompactedParts(Opcode.TEXT, Opcode.TEXT, 100);
        appendText(compacted, "a\uD83D");
        assertEquals(1, compacted.size(), "the high surrogate waits for its pair");
        assertEquals("a\uD83D", compacted.toText(), "and is returned as it came while it waits");
        assertEquals(1 + 4, compacted.sizeWith("\uDE00", 3), "a pair completed counts 4 bytes");
        assertEquals(1 + 1 + 1, compacted.sizeWith("b", 1), "a high surrogate left alone is written as '?'");
        appendText(compacted, "\uDE00");
        assertEquals(5, compacted.size());
        appendText(compacted, "\uDE00");
        assertEquals(6, compacted.size(), "a lone low surrogate is one '?'");
        appendText(compacted, "\uD83Db");
        assertEquals("a\uD83D\uDE00??b", compacted.toText());
        assertEquals(8, compacted.size());
    }

    @Example
    void eachUtf8LengthIsWrittenAtItsBoundaries() {
        String text = "\u0000\u007f\u0080\u07ff\u0800\uffff\uD800\uDC00\uDBFF\uDFFF";
        CompactedParts compacted = new CompactedParts(Opcode.TEXT, Opcode.TEXT, 100);
        for (char c : text.toCharArray()) {
            appendText(compacted, String.valueOf(c));
        }
        assertEquals(text, compacted.toText());
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, compacted.size());
    }

    @Example
    void theArrayDoublesButNeverPastTheLimit() {
        CompactedParts compacted = new CompactedParts(Opcode.BINARY, Opcode.BINARY, 1000);
        compacted.append(new byte[1]);
        assertEquals(64, compacted.capacity(), "the first array is small");
        compacted.append(new byte[64]);
        assertEquals(128, compacted.capacity(), "then it doubles");
        compacted.append(new byte[500]);
        assertEquals(565, compacted.capacity(), "or grows to what is needed when that is more");
        compacted.append(new byte[1]);
        assertEquals(1004, compacted.capacity(), "but never past the limit and a pair's last bytes");
        compacted.append(new byte[438]);
        assertEquals(1004, compacted.capacity(), "filled to the limit and a pair's last bytes");
    }

    /** The property's shrunk failure, at a size that shows the cost: the array held three times the limit. */
    @Example
    void aLargeAsciiPartAfterManySmallOnesGrowsTheArrayOnlyByItsBytes() {
        CompactedParts compacted = new CompactedParts(Opcode.TEXT, Opcode.TEXT, 10_200);
        for (int i = 0; i < 200; i++) {
            appendText(compacted, "a");
        }
        appendText(compacted, "b".repeat(10_000));
        assertEquals(10_200, compacted.size());
        assertTrue(compacted.capacity() <= 10_204, "the array: " + compacted.capacity() + " bytes");
    }

    @Example
    void aPartLargerThanTheLimitStillFitsForTheCallerRefusesIt() {
        CompactedParts compacted = new CompactedParts(Opcode.BINARY, Opcode.BINARY, 10);
        compacted.append(new byte[1005]);
        assertEquals(1005, compacted.capacity());
    }

    @Example
    void asOnePartReadsAsTheFirstPartDidAndIsNotFinal() throws Exception {
        CompactedParts text = new CompactedParts(Opcode.TEXT, Opcode.CONTINUATION, 100);
        appendText(text, "ab");
        appendText(text, "\u20ac");
        assertEquals(new Part(Opcode.CONTINUATION, false, "ab\u20ac", null),
                text.asOnePart().toFrame(MessageAssemblerTest.RESULTS));

        CompactedParts binary = new CompactedParts(Opcode.BINARY, Opcode.BINARY, 100);
        binary.append(new byte[] {1, 2});
        binary.append(new byte[] {3});
        Part part = binary.asOnePart().toFrame(MessageAssemblerTest.RESULTS);
        assertEquals(Opcode.BINARY, part.opcode());
        assertFalse(part.last());
        assertArrayEquals(new byte[] {1, 2, 3}, part.bytes());
    }

    @Example
    void nothingAppendedIsEmpty() {
        CompactedParts compacted = new CompactedParts(Opcode.TEXT, Opcode.TEXT, 100);
        assertEquals("", compacted.toText());
        assertEquals(0, compacted.size());
        assertEquals(0, compacted.toBytes().length);
        assertEquals(3, compacted.sizeWith("abc", 3));
    }

    /** Appends as the assembler does, with the length it counted. */
    private static void appendText(CompactedParts compacted, String text) {
        compacted.appendText(text, Utf8.encodedLength(text));
    }

    private static List<String> cut(String text, List<Integer> cuts) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int to : sortedWithin(cuts, text.length())) {
            parts.add(text.substring(from, to));
            from = to;
        }
        parts.add(text.substring(from));
        return parts;
    }

    private static List<Integer> sortedWithin(List<Integer> cuts, int length) {
        return cuts.stream().map(cut -> Math.min(cut, length)).sorted().toList();
    }

    /** The parts with every char past ASCII as {@code \\uXXXX}: lone surrogates print as '?' otherwise. */
    private static String escaped(List<String> parts) {
        StringBuilder out = new StringBuilder("[");
        for (String part : parts) {
            out.append(out.length() > 1 ? ", \"" : "\"");
            part.chars().forEach(c -> out.append(c < 0x80 ? String.valueOf((char) c) : String.format("\\u%04x", c)));
            out.append('"');
        }
        return out.append(']').toString();
    }

    private static boolean endsWithHighSurrogate(CharSequence text) {
        return text.length() > 0 && Character.isHighSurrogate(text.charAt(text.length() - 1));
    }

    /** Lone surrogates as {@code '?'}, as the JDK's encoder writes them. */
    private static String roundTrip(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
