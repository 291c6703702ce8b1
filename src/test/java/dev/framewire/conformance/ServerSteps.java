package dev.framewire.conformance;

import static dev.framewire.testing.ScriptedConnection.BINARY;
import static dev.framewire.testing.ScriptedConnection.CLOSE;
import static dev.framewire.testing.ScriptedConnection.CONTINUATION;
import static dev.framewire.testing.ScriptedConnection.PONG;
import static dev.framewire.testing.ScriptedConnection.TEXT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.framewire.testing.ClientFrame;
import dev.framewire.testing.ScriptedConnection;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/**
 * What the scripted server does and checks in the conformance cases: the steps Autobahn|Testsuite's
 * fuzzing server takes, written against {@link ScriptedConnection}. Every read is bounded by
 * {@link #WAIT}.
 */
final class ServerSteps {

    /** The bound of every blocking read, on either side. */
    static final Duration WAIT = Duration.ofSeconds(10);

    /** RSV bits as they sit in a frame's first byte; combine with {@code |}. */
    static final int RSV1 = 0x40;
    static final int RSV2 = 0x20;
    static final int RSV3 = 0x10;

    /** How a server-sent frame's payload length is written (RFC 6455, section 5.2). */
    enum LengthEncoding { BITS_7, BITS_16, BITS_64 }

    /** What the client sent when it failed the connection. */
    enum WireEnd {
        /** The JDK's Close frame with the expected code, then the end of TCP. */
        CLOSE_FRAME,
        /** The end of TCP (FIN or reset) without a Close frame: the JDK closed the socket first. */
        TCP_CLOSED_FIRST
    }

    /** One data message as the client sent it: its frames checked in order and their payloads joined. */
    record ClientMessage(int opcode, byte[] payload, int frames) {
    }

    private ServerSteps() {
    }

    /**
     * Waits for the client's "go", so that nothing the script sends next arrives together with the
     * 101 response (see {@link dev.framewire.testing.ScriptedServer} on why that matters).
     */
    static void awaitGo(ScriptedConnection c) throws IOException {
        assertEquals(new ClientFrame(TEXT, true, 0, utf8("go")), c.readFrame(WAIT), "the client speaks first");
    }

    /**
     * Reads one data message from the client, skipping the Pongs the JDK sends by itself, and
     * checks its framing: masked (checked by the connection), no RSV bit, TEXT or BINARY first,
     * CONTINUATION after, FIN exactly on the last frame.
     */
    static ClientMessage readMessage(ScriptedConnection c) throws IOException {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        int opcode = -1;
        int frames = 0;
        while (true) {
            ClientFrame frame = c.readFrame(WAIT);
            assertEquals(0, frame.rsv(), "no extension was negotiated, so every RSV bit must be 0: " + frame);
            if (frame.opcode() == PONG) {
                continue;
            }
            if (opcode == -1) {
                assertTrue(frame.opcode() == TEXT || frame.opcode() == BINARY, "expected a message, got " + frame);
                opcode = frame.opcode();
            } else {
                assertEquals(CONTINUATION, frame.opcode(), "frame " + (frames + 1) + " of a message: " + frame);
            }
            joined.writeBytes(frame.payload());
            frames++;
            if (frame.fin()) {
                return new ClientMessage(opcode, joined.toByteArray(), frames);
            }
        }
    }

    /** Reads the client's echo of a message and checks it is exactly what was sent. */
    static ClientMessage expectEcho(ScriptedConnection c, int opcode, byte[] payload) throws IOException {
        ClientMessage echo = readMessage(c);
        assertEquals(opcode, echo.opcode(), "the echo's type");
        if (!Arrays.equals(payload, echo.payload())) {
            fail("the echo differs from what was sent: " + payload.length + " bytes sent, "
                    + echo.payload().length + " echoed, first difference at " + Arrays.mismatch(payload, echo.payload()));
        }
        return echo;
    }

    /**
     * Runs the closing handshake from the server's side: sends Close, expects the client's answering
     * Close with the same code (the JDK answers with the code alone), then the end of TCP.
     */
    static void closeAndExpectEcho(ScriptedConnection c, int code, String reason) throws IOException {
        c.sendClose(code, reason);
        expectClose(c, code);
        expectTcpEnd(c);
    }

    /** Reads the client's next frame, skipping Pongs, and expects a Close with {@code code}. */
    static ClientFrame expectClose(ScriptedConnection c, int code) throws IOException {
        ClientFrame frame;
        do {
            frame = c.readFrame(WAIT);
        } while (frame.opcode() == PONG);
        assertEquals(CLOSE, frame.opcode(), "expected the client's Close, got " + frame);
        assertEquals(0, frame.rsv(), frame.toString());
        assertEquals(code, frame.closeCode(), "the code of the client's Close");
        return frame;
    }

    /** Expects the client to send nothing more and close TCP (FIN, or a reset). */
    static void expectTcpEnd(ScriptedConnection c) throws IOException {
        try {
            ClientFrame extra = c.readFrame(WAIT);
            fail("the client sent " + extra + " after its Close");
        } catch (EOFException | SocketException ended) {
            // the end of TCP: a Close is the last frame
        }
    }

    /**
     * Expects the client to fail the connection: a Close with {@code code} and the end of TCP, or
     * the end of TCP alone. RFC 6455, section 7.1.7 says the client SHOULD send the Close. The JDK
     * decides how: {@code WebSocketImpl.signalError} closes the transport, and
     * {@code ReceiveTask.processError} queues the Close, sometimes before that close and sometimes
     * after it, when the write fails with "Output closed". So both are accepted, and the outcome
     * is tallied by {@link WireEnds}: over 30 runs of the whole suite the Close reached the wire in
     * 2,572 of 3,450 failures on JDK 17 (75%) and 2,538 of 3,450 on JDK 25 (74%). Any other frame
     * (an echo, a Pong) is a failure of the test: after the offending frame the client must not
     * process anything.
     */
    static WireEnd expectFailure(ScriptedConnection c, int code) throws IOException {
        WireEnd end;
        try {
            ClientFrame frame = c.readFrame(WAIT);
            assertEquals(CLOSE, frame.opcode(), "after the offending frame the client may only close: " + frame);
            assertEquals(code, frame.closeCode(), "the code the client failed the connection with");
            expectTcpEnd(c);
            end = WireEnd.CLOSE_FRAME;
        } catch (EOFException | SocketException closedFirst) {
            end = WireEnd.TCP_CLOSED_FIRST;
        }
        WireEnds.record(end, code);
        return end;
    }

    // ------------------------------------------------------------------------------ sending

    /** Writes {@code bytes} in writes of {@code chunk} bytes each, as Autobahn's "chopped" cases do. */
    static void sendChopped(ScriptedConnection c, byte[] bytes, int chunk) throws IOException {
        for (int at = 0; at < bytes.length; at += chunk) {
            c.sendRaw(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + chunk)));
        }
    }

    /**
     * Writes bytes the client will refuse part-way, in chunks, stopping quietly once the client has
     * closed the connection (a write may then fail with a reset or a broken pipe).
     */
    static void sendChoppedUntilRefused(ScriptedConnection c, byte[] bytes, int chunk) throws IOException {
        try {
            sendChopped(c, bytes, chunk);
        } catch (SocketException refused) {
            // The client failed the connection on an earlier byte, as it should.
        }
    }

    /** {@return one frame encoded with the shortest length, with {@code rsv} bits set in its first byte} */
    static byte[] frameWithRsv(int opcode, boolean fin, byte[] payload, int rsv) {
        byte[] frame = ScriptedConnection.encodeFrame(opcode, fin, payload);
        frame[0] |= (byte) rsv;
        return frame;
    }

    /** {@return an unmasked frame whose payload length is written with {@code encoding}, minimal or not} */
    static byte[] frameWithLength(int opcode, byte[] payload, LengthEncoding encoding) {
        ByteBuffer frame = ByteBuffer.allocate(10 + payload.length);
        frame.put((byte) (0x80 | opcode));
        switch (encoding) {
            case BITS_7 -> frame.put((byte) payload.length);
            case BITS_16 -> frame.put((byte) 126).putShort((short) payload.length);
            case BITS_64 -> frame.put((byte) 127).putLong(payload.length);
        }
        frame.put(payload);
        return Arrays.copyOf(frame.array(), frame.position());
    }

    /** {@return a frame with the MASK bit and a masking key, which a server must never send} */
    static byte[] maskedFrame(int opcode, byte[] payload) {
        byte[] key = {0x37, (byte) 0xFA, 0x21, 0x3D};
        ByteBuffer frame = ByteBuffer.allocate(6 + payload.length);
        frame.put((byte) (0x80 | opcode)).put((byte) (0x80 | payload.length)).put(key);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ key[i & 3]));
        }
        return frame.array();
    }

    /** {@return the frames concatenated, to be sent in one write} */
    static byte[] concat(byte[]... frames) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            all.writeBytes(frame);
        }
        return all.toByteArray();
    }

    static byte[] frame(int opcode, boolean fin, byte[] payload) {
        return ScriptedConnection.encodeFrame(opcode, fin, payload);
    }

    // ------------------------------------------------------------------------------ payloads

    static byte[] utf8(String text) {
        return text.getBytes(UTF_8);
    }

    /** {@return bytes written as hex digits, spaces allowed: "ED A0 80"} */
    static byte[] hex(String digits) {
        return HexFormat.of().parseHex(digits.replace(" ", ""));
    }

    /**
     * {@return the UTF-8 encoding of a text of exactly {@code length} bytes} mixing characters of
     * one, two, three and four bytes, so that large messages cross the JDK's buffers in the middle
     * of characters.
     */
    static byte[] textOfLength(int length) {
        String[] pieces = {"a", "é", "€", "\uD83D\uDE00", "Z", "ж", "✓", "\uD834\uDD1E"};
        StringBuilder text = new StringBuilder();
        int bytes = 0;
        for (int i = 0; bytes < length; i++) {
            String piece = pieces[i % pieces.length];
            int size = utf8(piece).length;
            if (bytes + size > length) {
                piece = "x";
                size = 1;
            }
            text.append(piece);
            bytes += size;
        }
        byte[] encoded = utf8(text.toString());
        assertEquals(length, encoded.length);
        return encoded;
    }

    /** {@return {@code length} reproducible bytes covering every byte value} */
    static byte[] binaryOfLength(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }
}
