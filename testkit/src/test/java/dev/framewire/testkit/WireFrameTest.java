package dev.framewire.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The frame writer ({@link WireFrame#encode()}) and reader ({@link FrameReader}) byte for byte,
 * against the examples of RFC 6455, section 5.7, and the frames no example shows; and, as
 * properties, every frame the writer can make (any opcode, flags, key, length encoding and payload
 * length around the encodings' boundaries) reads back as written, however the bytes are cut.
 */
class WireFrameTest {

    private static final byte[] HELLO = {0x48, 0x65, 0x6c, 0x6c, 0x6f};
    private static final byte[] KEY = {0x37, (byte) 0xfa, 0x21, 0x3d};

    // ------------------------------------------------------------- RFC 6455, section 5.7

    @Test
    void aSingleFrameUnmaskedTextMessage() throws IOException {
        byte[] wire = hex("81 05 48 65 6c 6c 6f");
        assertArrayEquals(wire, WireFrame.text("Hello").encode());
        assertEquals(new ClientFrame(WireFrame.TEXT, true, 0, false, HELLO), read(wire));
    }

    @Test
    void aSingleFrameMaskedTextMessage() throws IOException {
        byte[] wire = hex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
        assertArrayEquals(wire, WireFrame.text("Hello").masked(KEY).encode());
        assertArrayEquals(wire, WireFrame.text("Hello").masked().encode(), "masked() uses the RFC's key");
        assertEquals(ClientFrame.text("Hello"), read(wire));
    }

    @Test
    void aFragmentedUnmaskedTextMessage() throws IOException {
        byte[] first = hex("01 03 48 65 6c");
        byte[] second = hex("80 02 6c 6f");
        List<WireFrame> frames = WireFrame.fragments(WireFrame.TEXT, HELLO, 3, 2);
        assertArrayEquals(first, frames.get(0).encode());
        assertArrayEquals(second, frames.get(1).encode());
        assertArrayEquals(first, WireFrame.text("Hel").notFinal().encode());
        assertArrayEquals(second, WireFrame.continuation("lo").encode());
        FrameReader reader = new FrameReader(new ByteArrayInputStream(concat(first, second)));
        assertEquals(new ClientFrame(WireFrame.TEXT, false, 0, false, Arrays.copyOf(HELLO, 3)), reader.read());
        assertEquals(new ClientFrame(WireFrame.CONTINUATION, true, 0, false, Arrays.copyOfRange(HELLO, 3, 5)), reader.read());
        assertNull(reader.read(), "the end of the stream between frames is a clean end");
    }

    @Test
    void anUnmaskedPingAndAMaskedPong() throws IOException {
        byte[] ping = hex("89 05 48 65 6c 6c 6f");
        byte[] pong = hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58");
        assertArrayEquals(ping, WireFrame.ping("Hello").encode());
        assertArrayEquals(pong, WireFrame.pong("Hello").masked(KEY).encode());
        assertEquals(new ClientFrame(WireFrame.PING, true, 0, false, HELLO), read(ping));
        assertEquals(ClientFrame.of(WireFrame.PONG, true, HELLO), read(pong));
    }

    @Test
    void binaryOf256BytesHasA16BitLength() throws IOException {
        byte[] payload = pattern(256);
        byte[] wire = concat(hex("82 7E 01 00"), payload);
        assertArrayEquals(wire, WireFrame.binary(payload).encode());
        assertEquals(new ClientFrame(WireFrame.BINARY, true, 0, false, payload), read(wire));
    }

    @Test
    void binaryOf64KiBHasA64BitLength() throws IOException {
        byte[] payload = pattern(65536);
        byte[] wire = concat(hex("82 7F 00 00 00 00 00 01 00 00"), payload);
        assertArrayEquals(wire, WireFrame.binary(payload).encode());
        assertEquals(new ClientFrame(WireFrame.BINARY, true, 0, false, payload), read(wire));
    }

    // ------------------------------------------------------------- what no example shows

    @Test
    void theShortestLengthEncodingChangesAt126AndAt65536Bytes() {
        assertEquals(2 + 125, WireFrame.binary(new byte[125]).encode().length);
        assertEquals(4 + 126, WireFrame.binary(new byte[126]).encode().length);
        assertEquals(4 + 65535, WireFrame.binary(new byte[65535]).encode().length);
        assertEquals(10 + 65536, WireFrame.binary(new byte[65536]).encode().length);
    }

    @Test
    void aLengthCanBeWrittenLongerThanNeeded() throws IOException {
        byte[] sixteen = WireFrame.text("Hello").lengthEncoding(WireFrame.LengthEncoding.BITS_16).encode();
        assertArrayEquals(hex("81 7E 00 05 48 65 6c 6c 6f"), sixteen);
        byte[] sixtyFour = WireFrame.text("Hello").lengthEncoding(WireFrame.LengthEncoding.BITS_64).encode();
        assertArrayEquals(hex("81 7F 00 00 00 00 00 00 00 05 48 65 6c 6c 6f"), sixtyFour);
        assertEquals(new ClientFrame(WireFrame.TEXT, true, 0, false, HELLO), read(sixtyFour));
    }

    @Test
    void aHeaderCanLieAboutTheLength() {
        assertArrayEquals(hex("81 7F 80 00 00 00 00 00 00 00 48"),
                WireFrame.text("H").declaredLength(Long.MIN_VALUE).encode(), "the most significant bit set");
        assertArrayEquals(hex("82 7E 01 00"), WireFrame.binary(new byte[0]).declaredLength(256).encode());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WireFrame.text("H").declaredLength(200).lengthEncoding(WireFrame.LengthEncoding.BITS_7).encode());
        assertEquals("a length of 200 does not fit in BITS_7", e.getMessage());
    }

    @Test
    void rsvBitsReservedOpcodesAndAFinalBitAreWrittenAsAsked() throws IOException {
        assertArrayEquals(hex("C1 00"), WireFrame.text("").rsv(WireFrame.RSV1).encode());
        assertArrayEquals(hex("B2 00"), WireFrame.binary(new byte[0]).rsv(WireFrame.RSV2 | WireFrame.RSV3).encode());
        assertArrayEquals(hex("83 00"), WireFrame.of(3, new byte[0]).encode());
        assertArrayEquals(hex("09 00"), WireFrame.ping().notFinal().encode(), "a fragmented control frame");
        assertEquals(new ClientFrame(WireFrame.TEXT, true, 4, false, new byte[0]), read(hex("C1 00")));
        assertEquals(new ClientFrame(0xB, false, 7, false, new byte[0]), read(hex("7B 00")));
    }

    @Test
    void aClosePayloadIsTheCodeInTwoBytesThenTheReason() throws IOException {
        assertArrayEquals(hex("88 05 03 E8 62 79 65"), WireFrame.close(1000, "bye").encode());
        assertArrayEquals(hex("88 00"), WireFrame.closeWithoutStatus().encode());
        ClientFrame close = read(WireFrame.close(4000, "über").masked().encode());
        assertEquals(4000, close.closeCode());
        assertEquals("über", close.closeReason());
        assertEquals(ClientFrame.NO_STATUS_RECEIVED, read(hex("88 80 01 02 03 04")).closeCode());
    }

    @Test
    void badValuesAreNamed() {
        assertEquals("an opcode must fit in 4 bits (0 to 15): 16",
                assertThrows(IllegalArgumentException.class, () -> WireFrame.of(16, new byte[0])).getMessage());
        assertEquals("RSV bits are three: a value from 0 to 7, not 8",
                assertThrows(IllegalArgumentException.class, () -> WireFrame.text("").rsv(8)).getMessage());
        assertEquals("a masking key has 4 bytes, not 3",
                assertThrows(IllegalArgumentException.class, () -> WireFrame.text("").masked(new byte[3])).getMessage());
        assertEquals("the fragment sizes [3, 1] add up to 4 bytes, but the payload has 5",
                assertThrows(IllegalArgumentException.class, () -> WireFrame.fragments(WireFrame.TEXT, HELLO, 3, 1)).getMessage());
        assertEquals("a close code must fit in two bytes (0 to 65535): 70000",
                assertThrows(IllegalArgumentException.class, () -> WireFrame.close(70000, "")).getMessage());
    }

    @Test
    void fragmentsMayBeEmptyAndMayCutACharacter() {
        byte[] euro = WireFrame.utf8("€"); // E2 82 AC
        List<WireFrame> frames = WireFrame.fragments(WireFrame.TEXT, euro, 0, 1, 2);
        assertEquals(List.of("01 00", "00 01 E2", "80 02 82 AC"),
                frames.stream().map(frame -> HexFormat.ofDelimiter(" ").withUpperCase().formatHex(frame.encode())).toList());
    }

    @Test
    void theReaderNamesAFrameCutShortAndAnAbsurdLength() {
        EOFException cut = assertThrows(EOFException.class, () -> read(hex("81 05 48 65")));
        assertEquals("the client closed the connection in the middle of a frame", cut.getMessage());
        IOException huge = assertThrows(IOException.class, () -> read(hex("82 FF 7F FF FF FF FF FF FF FF")));
        assertTrue(huge.getMessage().startsWith("the client's frame claims a payload of 9223372036854775807 bytes"),
                huge.getMessage());
    }

    // ------------------------------------------------------------- properties

    /** A frame as a test might write one, and what the reader must make of it. */
    record Written(int opcode, boolean fin, int rsv, byte[] key, WireFrame.LengthEncoding encoding, byte[] payload) {

        WireFrame frame() {
            WireFrame frame = WireFrame.of(opcode, payload).fin(fin).rsv(rsv).lengthEncoding(encoding);
            return key == null ? frame : frame.masked(key);
        }

        ClientFrame read() {
            return new ClientFrame(opcode, fin, rsv, key != null, payload);
        }

        @Override
        public String toString() {
            return frame() + " of " + payload.length + " bytes, " + encoding + (key == null ? "" : ", key " + HexFormat.of().formatHex(key));
        }
    }

    /** Payload lengths on both sides of each length encoding's limits, and any in between. */
    private static Arbitrary<Integer> lengths() {
        return Arbitraries.oneOf(Arbitraries.of(0, 1, 124, 125, 126, 127, 128, 65_535, 65_536, 65_537),
                Arbitraries.integers().between(0, 300), Arbitraries.integers().between(0, 70_000));
    }

    @Provide
    Arbitrary<Written> frames() {
        Arbitrary<byte[]> keys = Arbitraries.bytes().array(byte[].class).ofSize(4).injectNull(0.3);
        return Combinators.combine(Arbitraries.integers().between(0, 15), Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 7), keys, Arbitraries.of(WireFrame.LengthEncoding.values()),
                        lengths(), Arbitraries.longs())
                .as((opcode, fin, rsv, key, encoding, length, seed) -> new Written(opcode, fin, rsv, key,
                        fits(encoding, length) ? encoding : WireFrame.LengthEncoding.SHORTEST, pattern(length, seed)));
    }

    /** Whether {@code length} can be written in {@code encoding} and read back: 126 and 127 are markers in 7 bits. */
    private static boolean fits(WireFrame.LengthEncoding encoding, int length) {
        return switch (encoding) {
            case BITS_7 -> length <= 125;
            case BITS_16 -> length <= 0xFFFF;
            default -> true;
        };
    }

    @Property(tries = 300)
    void everyFrameTheWriterMakesReadsBackAsWritten(@ForAll("frames") Written written) throws IOException {
        byte[] wire = written.frame().encode();
        int length = written.payload().length;
        int lengthBytes = switch (written.encoding()) {
            case SHORTEST -> length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
            case BITS_7 -> 0;
            case BITS_16 -> 2;
            case BITS_64 -> 8;
        };
        int header = 2 + lengthBytes + (written.key() != null ? 4 : 0);
        assertEquals(header + written.payload().length, wire.length, "the frame's length: header, key, payload");
        FrameReader reader = new FrameReader(new ByteArrayInputStream(wire));
        assertEquals(written.read(), reader.read());
        assertNull(reader.read(), "nothing after the frame");
    }

    @Property(tries = 200)
    void framesOneAfterAnotherReadBackInOrderHoweverTheBytesAreCut(
            @ForAll @Size(min = 1, max = 6) List<@net.jqwik.api.From("frames") Written> frames,
            @ForAll @Size(max = 10) List<@IntRange(min = 1, max = 200_000) Integer> cuts) throws IOException {
        byte[] wire = WireFrame.encode(frames.stream().map(Written::frame).toList());
        int[] offsets = cuts.stream().mapToInt(cut -> cut % (wire.length + 1)).filter(cut -> cut > 0).sorted().distinct().toArray();
        FrameReader reader = new FrameReader(new ChoppedStream(wire, offsets));
        for (Written written : frames) {
            assertEquals(written.read(), reader.read(), "the frames " + frames + " cut at " + Arrays.toString(offsets));
        }
        assertNull(reader.read(), "nothing after the frames");
    }

    /** Hands out its bytes in the pieces between {@code cuts}, as TCP may: a read never crosses a cut. */
    private static final class ChoppedStream extends java.io.InputStream {
        private final byte[] bytes;
        private final int[] cuts;
        private int position;

        ChoppedStream(byte[] bytes, int[] cuts) {
            this.bytes = bytes;
            this.cuts = cuts;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (position >= bytes.length) {
                return -1;
            }
            int end = bytes.length;
            for (int cut : cuts) {
                if (cut > position) {
                    end = cut;
                    break;
                }
            }
            int n = Math.min(length, end - position);
            System.arraycopy(bytes, position, into, offset, n);
            position += n;
            return n;
        }
    }

    // ------------------------------------------------------------- writes and handshakes

    @Test
    void writesCutASendAsAsked() {
        byte[] bytes = pattern(10);
        assertEquals(List.of(10), sizes(Writes.whole().cut(bytes)));
        assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1), sizes(Writes.oneBytePerWrite().cut(bytes)));
        assertEquals(List.of(4, 4, 2), sizes(Writes.ofSize(4).cut(bytes)));
        assertEquals(List.of(1, 1, 8), sizes(Writes.splitAt(1, 2).cut(bytes)));
        assertEquals(List.of(3, 7), sizes(Writes.splitAt(3, 10, 12).cut(bytes)));
        assertEquals("split offsets must be positive and increasing: [2, 2]",
                assertThrows(IllegalArgumentException.class, () -> Writes.splitAt(2, 2)).getMessage());
    }

    @Test
    void theAcceptKeyIsTheOneOfRfc6455Section1_3() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", ServerConnection.acceptKeyFor("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void handshakeAnswersAreWrittenAsAsked() {
        String accept = new String(Handshake.accept().subprotocol("chat").header("X-Server", "kit")
                .greeting(WireFrame.text("hi")).response("KEY=", null), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: KEY=\r\nSec-WebSocket-Protocol: chat\r\nX-Server: kit\r\n\r\n\u0081\u0002hi", accept);
        String refusal = new String(Faults.refusedUpgrade(503, java.time.Duration.ofMillis(1500)).response(null, null),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 15\r\nConnection: close\r\n"
                + "Retry-After: 2\r\n\r\ntry again later", refusal);
        assertEquals("a refusal needs a three-digit HTTP status other than 101: 101",
                assertThrows(IllegalArgumentException.class, () -> Handshake.refuse(101)).getMessage());
        assertEquals("subprotocol() goes with accept(), not with refuse(404)",
                assertThrows(IllegalStateException.class, () -> Handshake.refuse(404).subprotocol("x")).getMessage());
    }

    @Test
    void aBurstIs64KiBOfNumberedMessages() {
        assertEquals("burst 0007 hijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh", Faults.burstMessage(7));
        assertEquals(Faults.BURST_MESSAGE_LENGTH, Faults.burstMessage(1023).length());
    }

    // ------------------------------------------------------------- helpers

    private static ClientFrame read(byte[] wire) throws IOException {
        return new FrameReader(new ByteArrayInputStream(wire)).read();
    }

    private static byte[] hex(String digits) {
        return HexFormat.of().parseHex(digits.replace(" ", ""));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] pattern(int length) {
        ByteBuffer bytes = ByteBuffer.allocate(length);
        for (int i = 0; i < length; i++) {
            bytes.put((byte) (i * 31 + 7));
        }
        return bytes.array();
    }

    private static byte[] pattern(int length, long seed) {
        byte[] bytes = new byte[length];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static List<Integer> sizes(List<byte[]> writes) {
        return writes.stream().map(write -> write.length).toList();
    }
}
