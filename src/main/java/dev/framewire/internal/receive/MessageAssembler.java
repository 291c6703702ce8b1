package dev.framewire.internal.receive;

import dev.framewire.MessageTooLargeException;
import dev.framewire.Opcode;
import dev.framewire.internal.Utf8;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the data parts of one message for {@code readMessage}, joins them once the last part
 * arrives, and enforces the maximum message size on the way.
 *
 * <p><b>Joining.</b> A message in one part is returned as it came, without a copy. A message in
 * several parts is joined once, into a result of exactly its size: binary parts into one array;
 * text parts that are all copied already by {@link String#join} (one copy), otherwise into a
 * {@code StringBuilder} of the exact length that the lent parts are copied into straight from the
 * JDK's buffers, then into the {@code String}. Nothing is kept between messages, so an idle
 * connection holds no buffer.
 *
 * <p><b>Nothing lost.</b> Parts are held as they came. A read that times out in the middle of a
 * message keeps them: the next {@code readMessage} goes on where it stopped, and a
 * {@code readFrame} in between gets them back first, as the frames they were
 * ({@link #takeOldest()}).
 *
 * <p><b>Memory.</b> A lent part holds two bytes per char where a copied ASCII part holds one, so
 * lent parts stay lent only while the message held is short ({@value #KEEP_LENT_UP_TO_CHARS}
 * chars); past that, held and new parts are copied into compact strings.
 *
 * <p><b>Memory bounded by bytes, however the message is cut.</b> Each held part costs about 60
 * bytes beside its payload, so a peer that cuts a small message into millions of one-byte (or
 * empty) fragments could make a reader hold far more than {@code maxMessageSize}. Once a message
 * holds more than {@value #LIST_PARTS_UP_TO} parts of less than {@value #SMALL_PART_BYTES} bytes
 * on average, its parts are joined as they arrive into one array ({@link CompactedParts}): the
 * message then costs at most about twice its payload, and never more than the limit. The common
 * cases (one part, a few large parts, the JDK's 16 KiB parts of a large frame) never switch, so
 * they keep their single copy. A {@code readFrame} after a timed-out {@code readMessage} gets
 * compacted parts back as one part holding all of their bytes (the boundaries between them are
 * gone, the bytes are exact).
 *
 * <p>Not thread-safe: guarded by the read lock of its {@link InboundReader}, and touched only on
 * reading threads.
 */
public final class MessageAssembler {

    /** Lent parts stay lent while the held message is at most this many chars (256 KiB of buffers). */
    static final int KEEP_LENT_UP_TO_CHARS = 128 * 1024;

    /** Parts are held as they came while there are at most this many... */
    static final int LIST_PARTS_UP_TO = 64;

    /** ...or while they average at least this many bytes (chars for text): their overhead is then under a third of the payload. */
    static final int SMALL_PART_BYTES = 256;

    private final long maxBytes;

    // Every field below: guarded by the InboundReader's read lock.
    private final ArrayDeque<TextPart> textParts = new ArrayDeque<>();
    private long textChars;
    private long textBytes = -1;   // exact UTF-8 bytes, counted only once they could matter
    private boolean lentParts;     // some held text part may be lent

    private final ArrayDeque<BinaryPart> binaryParts = new ArrayDeque<>();
    private long binaryBytes;

    private CompactedParts compacted; // the message's parts, joined, once they were many and small; else null

    private String finishedText;   // the message, once its last part arrived
    private byte[] finishedBytes;

    /** Creates an assembler for messages of at most {@code maxBytes} (UTF-8 bytes for text). */
    public MessageAssembler(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** {@return whether parts of an unfinished message are held} */
    boolean holdsParts() {
        return compacted != null || !textParts.isEmpty() || !binaryParts.isEmpty();
    }

    /** {@return how many parts of an unfinished message are held} (compacted parts count as one) */
    public int heldParts() {
        return (compacted != null ? 1 : 0) + textParts.size() + binaryParts.size();
    }

    /**
     * {@return the oldest held part, removed, for a {@code readFrame} that comes in between}:
     * compacted parts come back as one part holding all their bytes
     */
    Inbound takeOldest() {
        if (compacted != null) {
            Inbound joined = compacted.asOnePart();
            reset();
            return joined;
        }
        if (textParts.isEmpty()) {
            BinaryPart oldest = binaryParts.removeFirst();
            binaryBytes -= oldest.bytes().length;
            return oldest;
        }
        TextPart oldest = textParts.removeFirst();
        textChars -= oldest.length();
        if (textParts.isEmpty()) {
            textBytes = -1;
            lentParts = false;
        } else if (textBytes >= 0) {
            textBytes -= oldest.encodedLength();
        }
        return oldest;
    }

    /**
     * Adds a part of a text message. The assembler owns it now (and its loan).
     *
     * @throws MessageTooLargeException if the message grew past the limit; every part is dropped
     */
    void addText(TextPart part) throws MessageTooLargeException {
        if (part.isLast() && textParts.isEmpty() && compacted == null) { // a message in one part: the common case
            if ((long) part.length() * 3 > maxBytes) { // a char is at most 3 UTF-8 bytes
                refuseIfOver(part, part.encodedLength());
            }
            finishedText = part.takeText();
            return;
        }
        if (compacted != null) {
            String text = part.takeText();
            long encodedLength = Utf8.encodedLength(text);
            refuseIfOver(part, compacted.sizeWith(text, encodedLength));
            compacted.appendText(text, encodedLength);
            if (part.isLast()) {
                finishedText = compacted.toText();
                reset();
            }
            return;
        }
        countText(part);
        textParts.addLast(part);
        if (part.isLent()) {
            lentParts = true;
            if (textChars > KEEP_LENT_UP_TO_CHARS) {
                copyLentParts();
            }
        }
        if (part.isLast()) {
            finishedText = joinText();
            reset();
        } else if (manySmall(textParts.size(), textChars)) {
            compacted = new CompactedParts(Opcode.TEXT, textParts.peekFirst().opcode(), maxBytes);
            for (TextPart held : textParts) {
                long encodedLength = held.encodedLength();
                compacted.appendText(held.takeText(), encodedLength);
            }
            clearParts();
        }
    }

    /** {@return whether {@code parts} parts of {@code size} in all cost more heap beside their payload than it does} */
    private static boolean manySmall(int parts, long size) {
        return parts > LIST_PARTS_UP_TO && size < (long) parts * SMALL_PART_BYTES;
    }

    /** Counts a part's size in; counts UTF-8 bytes exactly only once the limit could be passed. */
    private void countText(TextPart part) throws MessageTooLargeException {
        textChars += part.length();
        if (textBytes >= 0) {
            textBytes += part.encodedLength();
        } else if (textChars * 3 > maxBytes) {
            long bytes = part.encodedLength();
            for (TextPart held : textParts) {
                bytes += held.encodedLength();
            }
            textBytes = bytes;
        }
        if (textBytes >= 0) {
            refuseIfOver(part, textBytes);
        }
    }

    private void copyLentParts() {
        int n = textParts.size();
        for (int i = 0; i < n; i++) {
            textParts.addLast(textParts.removeFirst().copied());
        }
        lentParts = false;
    }

    private String joinText() {
        if (!lentParts) {
            List<String> strings = new ArrayList<>(textParts.size());
            for (TextPart part : textParts) {
                strings.add(part.takeText());
            }
            return String.join("", strings);
        }
        StringBuilder joined = new StringBuilder((int) textChars);
        for (TextPart part : textParts) {
            part.appendTo(joined);
        }
        return joined.toString();
    }

    /**
     * Adds a part of a binary message. The assembler owns it now.
     *
     * @throws MessageTooLargeException if the message grew past the limit; every part is dropped
     */
    void addBinary(BinaryPart part) throws MessageTooLargeException {
        binaryBytes += part.bytes().length;
        refuseIfOver(part, binaryBytes);
        if (compacted != null) {
            compacted.append(part.bytes());
            if (part.last()) {
                finishedBytes = compacted.toBytes();
                reset();
            }
        } else if (!part.last()) {
            binaryParts.addLast(part);
            if (manySmall(binaryParts.size(), binaryBytes)) {
                compacted = new CompactedParts(Opcode.BINARY, binaryParts.peekFirst().opcode(), maxBytes);
                for (BinaryPart held : binaryParts) {
                    compacted.append(held.bytes());
                }
                binaryParts.clear();
            }
        } else if (binaryParts.isEmpty()) { // a message in one part: no copy
            finishedBytes = part.bytes();
            binaryBytes = 0;
        } else {
            binaryParts.addLast(part);
            finishedBytes = joinBinary();
            reset();
        }
    }

    private byte[] joinBinary() {
        byte[] joined = new byte[Math.toIntExact(binaryBytes)];
        int at = 0;
        for (BinaryPart part : binaryParts) {
            System.arraycopy(part.bytes(), 0, joined, at, part.bytes().length);
            at += part.bytes().length;
        }
        return joined;
    }

    private void refuseIfOver(Inbound part, long size) throws MessageTooLargeException {
        if (size > maxBytes) {
            part.discard();
            reset();
            throw new MessageTooLargeException(maxBytes, size);
        }
    }

    /**
     * {@return the finished message, made by {@code results}}, or {@code null} while its last
     * part has not arrived; the assembler is empty afterwards.
     */
    <M> M takeMessage(ReadResults<?, M> results) {
        if (finishedText != null) {
            String text = finishedText;
            finishedText = null;
            return results.textMessage(text);
        }
        if (finishedBytes != null) {
            byte[] bytes = finishedBytes;
            finishedBytes = null;
            return results.binaryMessage(bytes);
        }
        return null;
    }

    /**
     * Drops every held part, ending their loans: the message was joined or refused, or the
     * connection is closing. The next message starts from zero.
     */
    public void reset() {
        for (TextPart part : textParts) {
            part.discard();
        }
        clearParts();
        textChars = 0;
        textBytes = -1;
        binaryBytes = 0;
        compacted = null;
    }

    /** Forgets the held parts (their loans ended already); the counts stay. */
    private void clearParts() {
        textParts.clear();
        lentParts = false;
        binaryParts.clear();
    }
}
