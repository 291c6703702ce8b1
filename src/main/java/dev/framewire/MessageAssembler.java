package dev.framewire;

import dev.framewire.internal.TextPart;
import dev.framewire.internal.Utf8;

import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the data parts of one message for {@code readMessage}, and enforces the maximum
 * message size while it does.
 *
 * <p>Text parts are held in {@link TextParts}, which joins them with as few copies as it can;
 * binary parts are held as frames and joined at the end. Parts are held as they came, so a read
 * that times out in the middle of a message loses nothing: the next {@code readMessage} goes on
 * where it stopped, and a {@code readFrame} in between gets the held parts back first, as the
 * frames they were. Guarded by the socket's read lock.
 */
final class MessageAssembler {

    private final long maxBytes;

    private final TextParts text = new TextParts();
    private Opcode oldestTextOpcode;  // the opcode of the oldest held text part
    private long textBytes = -1;      // exact UTF-8 bytes, counted only once they could matter

    private final List<Frame> binaryParts = new ArrayList<>();
    private long bytes;

    MessageAssembler(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** {@return whether parts of an unfinished message are held} */
    boolean holdsParts() {
        return !text.isEmpty() || !binaryParts.isEmpty();
    }

    /** {@return the oldest held part, removed, for a {@code readFrame} that comes in between} */
    Frame takeHeldPart() {
        if (text.isEmpty()) {
            Frame first = binaryParts.remove(0);
            bytes -= first.rawBytes().length;
            return first;
        }
        String first = text.takeOldest();
        Frame frame = Frame.ofText(oldestTextOpcode, first, false); // a held part is never the last
        oldestTextOpcode = Opcode.CONTINUATION;
        if (text.isEmpty()) {
            textBytes = -1;
        } else if (textBytes >= 0) {
            textBytes -= Utf8.encodedLength(first);
        }
        return frame;
    }

    /**
     * Adds a text message that came in one part.
     *
     * @return it, as a message
     * @throws MessageTooLargeException if it is larger than the limit
     */
    Message addWhole(String text) throws MessageTooLargeException {
        // A char is at most 3 UTF-8 bytes: count bytes only if the bound could be exceeded.
        if ((long) text.length() * 3 > maxBytes) {
            refuseIfOver(Utf8.encodedLength(text));
        }
        return new Message(text, null);
    }

    /**
     * Adds a data part: binary, or text copied already.
     *
     * @return the whole message if {@code part} was its last, else {@code null}
     * @throws MessageTooLargeException if the message grew past the limit; the parts are dropped
     */
    Message add(Frame part) throws MessageTooLargeException {
        if (part.isText()) {
            return addText(part.opcode(), part.rawText(), part.isFinal(), null);
        }
        bytes += part.rawBytes().length;
        refuseIfOver(bytes);
        if (!part.isFinal()) {
            binaryParts.add(part);
            return null;
        }
        if (binaryParts.isEmpty()) { // a message in one part, no copy
            bytes = 0;
            return new Message(null, part.rawBytes());
        }
        binaryParts.add(part);
        Message whole = new Message(null, joinBinary());
        reset();
        return whole;
    }

    /**
     * Adds a text part still in the JDK's buffer, and ends its loan.
     *
     * @return the whole message if {@code part} was its last, else {@code null}
     * @throws MessageTooLargeException if the message grew past the limit; the parts are dropped
     */
    Message add(TextPart part) throws MessageTooLargeException {
        return addText(part.opcode(), part.text(), part.isLast(), part);
    }

    private Message addText(Opcode opcode, CharSequence chars, boolean last, TextPart lent)
            throws MessageTooLargeException {
        try {
            refuseIfTextOver(chars);
        } catch (MessageTooLargeException tooLarge) {
            if (lent != null) {
                lent.release();
            }
            throw tooLarge;
        }
        if (text.isEmpty()) {
            oldestTextOpcode = opcode;
        }
        if (lent != null) {
            text.add(lent);
        } else {
            text.add(chars);
        }
        if (!last) {
            return null;
        }
        Message whole = new Message(text.join(), null);
        reset();
        return whole;
    }

    private void refuseIfTextOver(CharSequence part) throws MessageTooLargeException {
        long chars = text.chars() + part.length();
        // A char is at most 3 UTF-8 bytes: count bytes exactly only once the bound could be
        // exceeded, and from then on part by part.
        if (textBytes >= 0) {
            textBytes += Utf8.encodedLength(part);
        } else if (chars * 3 > maxBytes) {
            textBytes = Utf8.encodedLength(part) + text.encodedLength();
        }
        if (textBytes >= 0) {
            refuseIfOver(textBytes);
        }
    }

    private void refuseIfOver(long size) throws MessageTooLargeException {
        if (size > maxBytes) {
            reset();
            throw new MessageTooLargeException(maxBytes, size);
        }
    }

    private byte[] joinBinary() {
        byte[] joined = new byte[(int) bytes];
        int at = 0;
        for (Frame p : binaryParts) {
            byte[] b = p.rawBytes();
            System.arraycopy(b, 0, joined, at, b.length);
            at += b.length;
        }
        return joined;
    }

    /**
     * Drops every held part: the message was returned or refused, or the socket is closing. The
     * next message starts from zero.
     */
    void reset() {
        text.clear();
        oldestTextOpcode = null;
        textBytes = -1;
        binaryParts.clear();
        bytes = 0;
    }
}
