package dev.framewire.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One WebSocket frame as a server puts it on the wire, byte for byte: opcode, FIN, RSV bits, mask
 * or none, how the payload length is written (and even a length that lies), and the payload.
 * Immutable; each {@code with} method returns a changed copy.
 *
 * <p>Nothing is validated against RFC 6455, on purpose: a test may send what no real server would,
 * such as a reserved opcode, a fragmented or oversized control frame, invalid UTF-8 or a masked
 * server frame. By default a frame is final, unmasked, without RSV bits, and its length is written
 * in the shortest encoding, which is what a well-behaved server sends.
 *
 * <pre>{@code
 * WireFrame.text("hello")                          // 81 05 68 65 6c 6c 6f
 * WireFrame.text("hel").notFinal()                 // the first frame of a fragmented message
 * WireFrame.of(0x3, new byte[0])                   // a reserved opcode
 * WireFrame.ping("x").rsv(WireFrame.RSV1)          // a control frame with an RSV bit
 * WireFrame.binary(data).lengthEncoding(WireFrame.LengthEncoding.BITS_64)  // not minimal
 * }</pre>
 */
public final class WireFrame {

    /** Opcode of a continuation frame (RFC 6455, section 5.2). */
    public static final int CONTINUATION = 0x0;
    /** Opcode of a text frame. */
    public static final int TEXT = 0x1;
    /** Opcode of a binary frame. */
    public static final int BINARY = 0x2;
    /** Opcode of a Close frame. */
    public static final int CLOSE = 0x8;
    /** Opcode of a Ping frame. */
    public static final int PING = 0x9;
    /** Opcode of a Pong frame. */
    public static final int PONG = 0xA;

    /** RSV1 as a value of {@link #rsv(int)}: the bit permessage-deflate uses. */
    public static final int RSV1 = 0b100;
    /** RSV2 as a value of {@link #rsv(int)}. */
    public static final int RSV2 = 0b010;
    /** RSV3 as a value of {@link #rsv(int)}. */
    public static final int RSV3 = 0b001;

    /** The masking key {@link #masked()} uses: the one in RFC 6455, section 5.7's examples. */
    private static final byte[] RFC_MASKING_KEY = {0x37, (byte) 0xfa, 0x21, 0x3d};

    /** How the payload length is written in the frame header (RFC 6455, section 5.2). */
    public enum LengthEncoding {
        /** 7 bits for 0 to 125 bytes, else 16 bits up to 65,535 bytes, else 64 bits: what RFC 6455 requires. */
        SHORTEST,
        /** In the 7 bits of the second byte: 0 to 127 (126 and 127 are then misread as markers). */
        BITS_7,
        /** 126, then 16 bits. */
        BITS_16,
        /** 127, then 64 bits. */
        BITS_64
    }

    private final int opcode;
    private final boolean fin;
    private final int rsv;
    private final byte[] maskingKey; // null: unmasked
    private final LengthEncoding lengthEncoding;
    private final Long declaredLength; // null: the payload's length
    private final byte[] payload;

    private WireFrame(int opcode, boolean fin, int rsv, byte[] maskingKey, LengthEncoding lengthEncoding,
                      Long declaredLength, byte[] payload) {
        this.opcode = opcode;
        this.fin = fin;
        this.rsv = rsv;
        this.maskingKey = maskingKey;
        this.lengthEncoding = lengthEncoding;
        this.declaredLength = declaredLength;
        this.payload = payload;
    }

    /**
     * {@return a final, unmasked frame with any opcode, reserved ones included}
     *
     * @param opcode 0 to 15
     * @param payload the payload, copied
     * @throws IllegalArgumentException if {@code opcode} does not fit in 4 bits
     */
    public static WireFrame of(int opcode, byte[] payload) {
        if (opcode < 0 || opcode > 0xF) {
            throw new IllegalArgumentException("an opcode must fit in 4 bits (0 to 15): " + opcode);
        }
        return new WireFrame(opcode, true, 0, null, LengthEncoding.SHORTEST, null,
                Objects.requireNonNull(payload, "payload").clone());
    }

    /**
     * {@return a final text frame carrying {@code text} in UTF-8}
     *
     * @param text the text, in UTF-8 on the wire
     */
    public static WireFrame text(String text) {
        return of(TEXT, utf8(text));
    }

    /**
     * {@return a final text frame carrying these bytes, valid UTF-8 or not}
     *
     * @param payload the payload, copied
     */
    public static WireFrame text(byte[] payload) {
        return of(TEXT, payload);
    }

    /**
     * {@return a final binary frame}
     *
     * @param payload the payload, copied
     */
    public static WireFrame binary(byte[] payload) {
        return of(BINARY, payload);
    }

    /**
     * {@return a final continuation frame carrying {@code text} in UTF-8}
     *
     * @param text the text, in UTF-8 on the wire
     */
    public static WireFrame continuation(String text) {
        return of(CONTINUATION, utf8(text));
    }

    /**
     * {@return a final continuation frame carrying these bytes, for example half of a UTF-8 sequence}
     *
     * @param payload the payload, copied
     */
    public static WireFrame continuation(byte[] payload) {
        return of(CONTINUATION, payload);
    }

    /** {@return a Ping frame with an empty payload} */
    public static WireFrame ping() {
        return of(PING, new byte[0]);
    }

    /**
     * {@return a Ping frame carrying {@code payload} in UTF-8, of any length}
     *
     * @param payload the payload, copied
     */
    public static WireFrame ping(String payload) {
        return of(PING, utf8(payload));
    }

    /**
     * {@return a Ping frame, of any length (over 125 bytes is a protocol violation, which a test may want)}
     *
     * @param payload the payload, copied
     */
    public static WireFrame ping(byte[] payload) {
        return of(PING, payload);
    }

    /**
     * {@return a Pong frame carrying {@code payload} in UTF-8}
     *
     * @param payload the payload, copied
     */
    public static WireFrame pong(String payload) {
        return of(PONG, utf8(payload));
    }

    /**
     * {@return a Pong frame}
     *
     * @param payload the payload, copied
     */
    public static WireFrame pong(byte[] payload) {
        return of(PONG, payload);
    }

    /**
     * {@return a Close frame with this status code and reason, valid or not} (1005, 1006 and
     * reasons over 123 bytes included, which a client must refuse).
     *
     * @param code the status code
     * @param reason the reason, valid or not
     */
    public static WireFrame close(int code, String reason) {
        return of(CLOSE, closePayload(code, reason));
    }

    /** {@return a Close frame with an empty payload, which a client must report as 1005 (no status)} */
    public static WireFrame closeWithoutStatus() {
        return of(CLOSE, new byte[0]);
    }

    /**
     * {@return the payload of a Close frame: the code in two bytes, then the reason in UTF-8}
     *
     * @throws IllegalArgumentException if {@code code} does not fit in two bytes
     * @param code the status code
     * @param reason the reason, valid or not
     */
    public static byte[] closePayload(int code, String reason) {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("a close code must fit in two bytes (0 to 65535): " + code);
        }
        byte[] text = utf8(reason);
        return ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text).array();
    }

    /**
     * {@return the frames of one message cut into fragments of the given sizes}: the first with
     * {@code opcode}, the rest continuations, FIN on the last one only. Sizes count bytes, so a
     * text message can be cut inside a character.
     *
     * @param opcode the message's opcode, normally {@link #TEXT} or {@link #BINARY}
     * @param payload the whole message
     * @param sizes the size of every fragment, in order; empty fragments are allowed
     * @throws IllegalArgumentException if no size is given, a size is negative, or the sizes do
     *     not add up to the payload's length
     */
    public static List<WireFrame> fragments(int opcode, byte[] payload, int... sizes) {
        if (sizes.length == 0) {
            throw new IllegalArgumentException("give the size of every fragment, at least one");
        }
        long total = 0;
        for (int size : sizes) {
            if (size < 0) {
                throw new IllegalArgumentException("a fragment size must not be negative: " + Arrays.toString(sizes));
            }
            total += size;
        }
        if (total != payload.length) {
            throw new IllegalArgumentException("the fragment sizes " + Arrays.toString(sizes) + " add up to " + total
                    + " bytes, but the payload has " + payload.length);
        }
        List<WireFrame> frames = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < sizes.length; i++) {
            byte[] part = Arrays.copyOfRange(payload, from, from + sizes[i]);
            frames.add(of(i == 0 ? opcode : CONTINUATION, part).fin(i == sizes.length - 1));
            from += sizes[i];
        }
        return frames;
    }

    /**
     * {@return this frame with the FIN bit as given}
     *
     * @param fin whether to set the FIN bit
     */
    public WireFrame fin(boolean fin) {
        return new WireFrame(opcode, fin, rsv, maskingKey, lengthEncoding, declaredLength, payload);
    }

    /** {@return this frame without the FIN bit: more frames of its message follow} */
    public WireFrame notFinal() {
        return fin(false);
    }

    /**
     * {@return this frame with these RSV bits set}, none of which a client may accept unless an
     * extension was negotiated.
     *
     * @param bits the three bits as a number from 0 to 7: {@link #RSV1}, {@link #RSV2},
     *     {@link #RSV3} or a combination with {@code |}
     * @throws IllegalArgumentException if {@code bits} is not between 0 and 7
     */
    public WireFrame rsv(int bits) {
        if (bits < 0 || bits > 7) {
            throw new IllegalArgumentException("RSV bits are three: a value from 0 to 7, not " + bits);
        }
        return new WireFrame(opcode, fin, bits, maskingKey, lengthEncoding, declaredLength, payload);
    }

    /** {@return this frame masked with the key of RFC 6455, section 5.7's examples (a server must never mask)} */
    public WireFrame masked() {
        return masked(RFC_MASKING_KEY);
    }

    /**
     * {@return this frame masked with {@code key}}
     *
     * @throws IllegalArgumentException if {@code key} is not 4 bytes long
     * @param key the 4-byte masking key
     */
    public WireFrame masked(byte[] key) {
        if (key.length != 4) {
            throw new IllegalArgumentException("a masking key has 4 bytes, not " + key.length);
        }
        return new WireFrame(opcode, fin, rsv, key.clone(), lengthEncoding, declaredLength, payload);
    }

    /**
     * {@return this frame with its payload length written in {@code encoding}}
     *
     * @param encoding how to write the length
     */
    public WireFrame lengthEncoding(LengthEncoding encoding) {
        return new WireFrame(opcode, fin, rsv, maskingKey, Objects.requireNonNull(encoding, "encoding"),
                declaredLength, payload);
    }

    /**
     * {@return this frame with a header that claims a payload of {@code length} bytes}, whatever
     * the payload really has: a frame that lies, such as one longer than the client allows, or
     * with the most significant bit of a 64-bit length set (a negative {@code length}).
     *
     * @param length the length the header claims
     */
    public WireFrame declaredLength(long length) {
        return new WireFrame(opcode, fin, rsv, maskingKey, lengthEncoding, length, payload);
    }

    /** {@return the opcode, 0 to 15} */
    public int opcode() {
        return opcode;
    }

    /** {@return whether the FIN bit is set} */
    public boolean isFinal() {
        return fin;
    }

    /** {@return the RSV bits, 0 to 7, RSV1 being 4} */
    public int rsv() {
        return rsv;
    }

    /** {@return whether the frame is masked} */
    public boolean isMasked() {
        return maskingKey != null;
    }

    /** {@return a copy of the payload, unmasked} */
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * {@return the frame's bytes: header, masking key if any, payload (masked if a key was given)}
     *
     * @throws IllegalArgumentException if the declared length does not fit the length encoding
     */
    public byte[] encode() {
        long length = declaredLength != null ? declaredLength : payload.length;
        LengthEncoding encoding = lengthEncoding;
        if (encoding == LengthEncoding.SHORTEST) {
            encoding = length >= 0 && length <= 125 ? LengthEncoding.BITS_7
                    : length >= 0 && length <= 0xFFFF ? LengthEncoding.BITS_16 : LengthEncoding.BITS_64;
        }
        if (encoding == LengthEncoding.BITS_7 && (length < 0 || length > 127)
                || encoding == LengthEncoding.BITS_16 && (length < 0 || length > 0xFFFF)) {
            throw new IllegalArgumentException("a length of " + length + " does not fit in " + encoding);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(14 + payload.length);
        out.write((fin ? 0x80 : 0) | rsv << 4 | opcode);
        int mask = maskingKey != null ? 0x80 : 0;
        switch (encoding) {
            case BITS_7 -> out.write(mask | (int) length);
            case BITS_16 -> out.writeBytes(ByteBuffer.allocate(3).put((byte) (mask | 126)).putShort((short) length).array());
            default -> out.writeBytes(ByteBuffer.allocate(9).put((byte) (mask | 127)).putLong(length).array());
        }
        if (maskingKey == null) {
            out.writeBytes(payload);
        } else {
            out.writeBytes(maskingKey);
            byte[] masked = payload.clone();
            for (int i = 0; i < masked.length; i++) {
                masked[i] ^= maskingKey[i & 3];
            }
            out.writeBytes(masked);
        }
        return out.toByteArray();
    }

    /**
     * {@return the frames' encodings one after the other, to be sent in one write}
     *
     * @param frames the frames, in order
     */
    public static byte[] encode(List<WireFrame> frames) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (WireFrame frame : frames) {
            all.writeBytes(frame.encode());
        }
        return all.toByteArray();
    }

    /** Shows what a test needs to see in a failure: opcode, flags and a short payload. */
    @Override
    public String toString() {
        return "WireFrame[" + Opcodes.name(opcode) + (fin ? "" : ", not final") + (rsv != 0 ? ", rsv=" + rsv : "")
                + (maskingKey != null ? ", masked" : "") + (declaredLength != null ? ", declared length " + declaredLength : "")
                + ", " + Opcodes.describe(opcode, payload) + "]";
    }

    static byte[] utf8(String text) {
        return Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8);
    }
}
