package dev.framewire.faults;

import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.Message;
import dev.framewire.Opcode;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the large binary message of {@code /big} (see {@link FaultServerMain}) while a fault cuts
 * it off, in one of two ways: frame by frame ({@code readFrame}), checking that what arrives is an
 * exact prefix of the message, or whole ({@code readMessage}), which must never return the cut-off
 * message as if it were complete.
 */
final class PartialMessageReader extends ReaderThread {

    private final FrameSocket ws;
    private final byte[] expected;
    private final boolean frames;
    private final AtomicLong bytes = new AtomicLong();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    /**
     * @param expected the whole message as the server sends it
     * @param frames   {@code true} to read with {@code readFrame}, {@code false} with {@code readMessage}
     */
    PartialMessageReader(String name, FrameSocket ws, byte[] expected, boolean frames) {
        super(name);
        this.ws = ws;
        this.expected = expected;
        this.frames = frames;
    }

    PartialMessageReader start() {
        startThread();
        return this;
    }

    @Override
    void read() throws Exception {
        if (!frames) {
            Message message = ws.readMessage();
            throw new AssertionError("readMessage returned a message of " + message.bytes().length
                    + " bytes, the message has " + expected.length);
        }
        for (boolean first = true; ; first = false) {
            Frame frame = ws.readFrame();
            Opcode expectedOpcode = first ? Opcode.BINARY : Opcode.CONTINUATION;
            if (frame.opcode() != expectedOpcode) {
                throw new AssertionError("expected " + expectedOpcode + ", got " + frame.opcode());
            }
            byte[] part = frame.bytes();
            received.write(part, 0, part.length);
            bytes.addAndGet(part.length);
            if (frame.isFinal()) {
                throw new AssertionError("the whole message arrived: the fault came too late");
            }
        }
    }

    @Override
    String progress() {
        return bytes.get() + " bytes of the message";
    }

    /** Bytes of the message returned so far (frame by frame only). */
    long bytes() {
        return bytes.get();
    }

    /** Checks that the bytes returned frame by frame are the start of the message. */
    void assertAnExactPrefix() {
        byte[] got = received.toByteArray();
        if (!Arrays.equals(got, 0, got.length, expected, 0, got.length)) {
            throw new AssertionError("the " + got.length + " bytes returned are not the start of the message");
        }
    }
}
