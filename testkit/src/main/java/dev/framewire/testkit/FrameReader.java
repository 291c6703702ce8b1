package dev.framewire.testkit;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes frames from a byte stream, masked or not (the reverse of {@link WireFrame#encode()}),
 * checking only what it must to stay in step with the stream: nothing about opcodes, FIN or
 * masking, which the caller judges. Not thread safe.
 */
final class FrameReader {

    /** The largest payload read into memory: a client that claims more is broken, or a test of a flood. */
    static final int MAX_PAYLOAD = 64 * 1024 * 1024;

    private final DataInputStream in;

    FrameReader(InputStream in) {
        this.in = in instanceof DataInputStream data ? data : new DataInputStream(in);
    }

    /**
     * Reads one frame and unmasks it.
     *
     * @return the frame, or {@code null} if the stream ended cleanly before its first byte
     * @throws EOFException if the stream ended in the middle of a frame
     * @throws IOException if the frame claims a payload over {@link #MAX_PAYLOAD} bytes
     */
    ClientFrame read() throws IOException {
        int first = in.read();
        if (first == -1) {
            return null;
        }
        try {
            int second = in.readUnsignedByte();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if (length < 0 || length > MAX_PAYLOAD) {
                throw new IOException("the client's frame claims a payload of " + Long.toUnsignedString(length)
                        + " bytes; the testkit reads at most " + MAX_PAYLOAD);
            }
            boolean masked = (second & 0x80) != 0;
            byte[] key = new byte[4];
            if (masked) {
                in.readFully(key);
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            if (masked) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= key[i & 3];
                }
            }
            return new ClientFrame(first & 0x0F, (first & 0x80) != 0, (first >> 4) & 0x7, masked, payload);
        } catch (EOFException e) {
            throw new EOFException("the client closed the connection in the middle of a frame");
        }
    }
}
