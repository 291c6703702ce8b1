package dev.framewire.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One data message as the client sent it: its frames in order, from the TEXT or BINARY one to the
 * one with FIN, without the control frames the client sent in between (those are in
 * {@link #controlFrames()}).
 *
 * @param frames the message's data frames, in order
 * @param controlFrames the control frames that arrived between them, in order
 */
public record ClientMessage(List<ClientFrame> frames, List<ClientFrame> controlFrames) {

    /**
     * Copies the lists.
     *
     * @param frames the message's data frames, in order
     * @param controlFrames the control frames that arrived between them, in order
     * @throws IllegalArgumentException if {@code frames} is empty
     */
    public ClientMessage {
        frames = List.copyOf(frames);
        controlFrames = List.copyOf(controlFrames);
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("a message has at least one frame");
        }
    }

    /** {@return the opcode of the message's first frame: TEXT or BINARY from a correct client} */
    public int opcode() {
        return frames.get(0).opcode();
    }

    /** {@return the payloads of all frames joined} */
    public byte[] bytes() {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        frames.forEach(frame -> joined.writeBytes(frame.payload()));
        return joined.toByteArray();
    }

    /** {@return the payloads joined and decoded as UTF-8 (leniently)} */
    public String text() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    /** {@return the payload length of each frame, in order} */
    public List<Integer> fragmentSizes() {
        return frames.stream().map(frame -> frame.payload().length).toList();
    }
}
