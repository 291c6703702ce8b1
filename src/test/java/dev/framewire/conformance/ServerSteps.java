package dev.framewire.conformance;

import static dev.framewire.testkit.WireFrame.BINARY;
import static dev.framewire.testkit.WireFrame.CLOSE;
import static dev.framewire.testkit.WireFrame.CONTINUATION;
import static dev.framewire.testkit.WireFrame.PONG;
import static dev.framewire.testkit.WireFrame.TEXT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.ServerConnection;
import dev.framewire.testkit.WireFrame.LengthEncoding;
import dev.framewire.testkit.WireFrame;
import dev.framewire.testkit.Writes;

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
 * fuzzing server takes, written against {@link ServerConnection}. Every read is bounded by
 * {@link #WAIT}.
 */
final class ServerSteps {

    /** The bound of every blocking read, on either side. */
    static final Duration WAIT = Duration.ofSeconds(10);

    /** RSV bits as they sit in a frame's first byte; combine with {@code |}. */
    static final int RSV1 = 0x40;
    static final int RSV2 = 0x20;
    static final int RSV3 = 0x10;

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
     * 101 response (see {@link dev.framewire.testkit.ScriptedServer} on why that matters).
     */
    static void awaitGo(ServerConnection c) throws IOException {
        assertEquals(ClientFrame.of(TEXT, true, utf8("go")), c.readFrame(WAIT), "the client speaks first");
    }

    /**
     * Reads one data message from the client, skipping the Pongs the JDK sends by itself, and
     * checks its framing: masked (checked by the connection), no RSV bit, TEXT or BINARY first,
     * CONTINUATION after, FIN exactly on the last frame.
     */
    static ClientMessage readMessage(ServerConnection c) throws IOException {
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
    static ClientMessage expectEcho(ServerConnection c, int opcode, byte[] payload) throws IOException {
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
    static void closeAndExpectEcho(ServerConnection c, int code, String reason) throws IOException {
        c.sendClose(code, reason);
        expectClose(c, code);
        expectTcpEnd(c);
    }

    /** Reads the client's next frame, skipping Pongs, and expects a Close with {@code code}. */
    static ClientFrame expectClose(ServerConnection c, int code) throws IOException {
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
    static void expectTcpEnd(ServerConnection c) throws IOException {
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
    static WireEnd expectFailure(ServerConnection c, int code) throws IOException {
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
    static void sendChopped(ServerConnection c, byte[] bytes, int chunk) throws IOException {
        c.writes(Writes.ofSize(chunk));
        try {
            c.sendRaw(bytes);
        } finally {
            c.writes(Writes.whole());
        }
    }

    /**
     * Writes bytes the client will refuse part-way, in chunks, stopping quietly once the client has
     * closed the connection (a write may then fail with a reset or a broken pipe).
     */
    static void sendChoppedUntilRefused(ServerConnection c, byte[] bytes, int chunk) throws IOException {
        try {
            sendChopped(c, bytes, chunk);
        } catch (SocketException refused) {
            // The client failed the connection on an earlier byte, as it should.
        }
    }

    /** {@return one frame encoded with the shortest length, with {@code rsv} bits set in its first byte} */
    static byte[] frameWithRsv(int opcode, boolean fin, byte[] payload, int rsv) {
        return WireFrame.of(opcode, payload).fin(fin).rsv(rsv >> 4).encode();
    }

    /** {@return an unmasked frame whose payload length is written with {@code encoding}, minimal or not} */
    static byte[] frameWithLength(int opcode, byte[] payload, LengthEncoding encoding) {
        return WireFrame.of(opcode, payload).lengthEncoding(encoding).encode();
    }

    /** {@return a frame with the MASK bit and a masking key, which a server must never send} */
    static byte[] maskedFrame(int opcode, byte[] payload) {
        return WireFrame.of(opcode, payload).masked().encode(); // RFC 6455's example key, 37 FA 21 3D
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
        return WireFrame.of(opcode, payload).fin(fin).encode();
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
