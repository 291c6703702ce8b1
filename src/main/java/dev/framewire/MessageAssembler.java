package dev.framewire;

import dev.framewire.internal.Utf8;

import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the data parts of one message for {@code readMessage}, and enforces the maximum
 * message size while it does.
 *
 * <p>The parts are kept as they came, so a read that times out in the middle of a message loses
 * nothing: the next {@code readMessage} goes on where it stopped, and a {@code readFrame} in
 * between gets the kept parts first. Guarded by the socket's read lock.
 */
final class MessageAssembler {

    private final long maxBytes;
    private final List<Frame> parts = new ArrayList<>();
    private long chars;          // text: UTF-16 units so far
    private long textBytes = -1; // text: exact UTF-8 bytes, counted only once they could matter
    private long bytes;          // binary: bytes so far

    MessageAssembler(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** {@return whether parts of an unfinished message are held} */
    boolean holdsParts() {
        return !parts.isEmpty();
    }

    /** {@return the oldest held part, removed, for a {@code readFrame} that comes in between} */
    Frame takeHeldPart() {
        Frame first = parts.remove(0);
        if (first.isText()) {
            chars -= first.rawText().length();
            if (textBytes >= 0) {
                textBytes -= Utf8.encodedLength(first.rawText());
            }
        } else {
            bytes -= first.rawBytes().length;
        }
        return first;
    }

    /**
     * Adds a data part.
     *
     * @return the whole message if {@code part} was its last, else {@code null}
     * @throws MessageTooLargeException if the message grew past the limit; the parts are dropped
     */
    Message add(Frame part) throws MessageTooLargeException {
        if (part.isText()) {
            chars += part.rawText().length();
            // A char is at most 3 UTF-8 bytes: count bytes exactly only once the bound could be
            // exceeded, and from then on part by part.
            if (textBytes >= 0) {
                textBytes += Utf8.encodedLength(part.rawText());
            } else if (chars * 3 > maxBytes) {
                textBytes = Utf8.encodedLength(part.rawText());
                for (Frame p : parts) {
                    textBytes += Utf8.encodedLength(p.rawText());
                }
            }
            if (textBytes >= 0) {
                refuseIfOver(textBytes);
            }
        } else {
            bytes += part.rawBytes().length;
            refuseIfOver(bytes);
        }
        if (!part.isFinal()) {
            parts.add(part);
            return null;
        }
        if (parts.isEmpty()) { // the common case: a message in one part, no copy
            reset(); // the counts were this part's alone; the next message starts from zero
            return part.isText() ? new Message(part.rawText(), null) : new Message(null, part.rawBytes());
        }
        parts.add(part);
        Message whole = part.isText() ? joinText() : joinBinary();
        reset();
        return whole;
    }

    private void refuseIfOver(long size) throws MessageTooLargeException {
        if (size > maxBytes) {
            reset();
            throw new MessageTooLargeException(maxBytes, size);
        }
    }

    private Message joinText() {
        // String.join sizes the result exactly and fills it once; a StringBuilder would allocate
        // its buffer and then copy it again in toString().
        String[] texts = new String[parts.size()];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = parts.get(i).rawText();
        }
        return new Message(String.join("", texts), null);
    }

    private Message joinBinary() {
        byte[] joined = new byte[(int) bytes];
        int at = 0;
        for (Frame p : parts) {
            byte[] b = p.rawBytes();
            System.arraycopy(b, 0, joined, at, b.length);
            at += b.length;
        }
        return new Message(null, joined);
    }

    private void reset() {
        parts.clear();
        chars = 0;
        textBytes = -1;
        bytes = 0;
    }
}
