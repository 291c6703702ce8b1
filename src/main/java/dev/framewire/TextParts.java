package dev.framewire;

import dev.framewire.internal.TextPart;
import dev.framewire.internal.Utf8;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The text parts of one unfinished message, held for {@link MessageAssembler} and joined at its
 * end with as few copies as the sizes allow.
 *
 * <p>While the message fits the JVM's {@link SpareStringBuilder} and no other reader holds it,
 * parts are appended to the spare as they come: a part still in the JDK's buffer is copied once,
 * into the spare, and the message once more, into its {@code String}, which is what a listener
 * with a builder of its own per connection does. Otherwise the parts are held as one
 * {@code String} each and joined by {@link String#join}, which sizes the result exactly: each
 * character is copied twice, but no builder grows and is thrown away.
 *
 * <p>Part lengths are kept in both forms, so {@link #takeOldest()} can give a part back as it
 * came, for a {@code readFrame} between two {@code readMessage}s. Guarded by the socket's read lock.
 */
final class TextParts {

    private StringBuilder joined;  // the parts appended, while they fit the spare; else null
    private final ArrayDeque<Integer> joinedLengths = new ArrayDeque<>();
    private final List<String> parts = new ArrayList<>(); // one String per part, once not in the spare
    private long chars;

    /** {@return whether no part is held} */
    boolean isEmpty() {
        return joined == null && parts.isEmpty();
    }

    /** {@return the UTF-16 units held} */
    long chars() {
        return chars;
    }

    /** {@return the UTF-8 length of the text held} */
    long encodedLength() {
        if (joined != null) {
            return Utf8.encodedLength(joined);
        }
        long bytes = 0;
        for (String part : parts) {
            bytes += Utf8.encodedLength(part);
        }
        return bytes;
    }

    /** Adds a part copied already. */
    void add(CharSequence text) {
        if (makeRoom(text.length())) {
            joined.append(text);
        } else {
            parts.add(text.toString());
        }
    }

    /** Adds a part still in the JDK's buffer, and ends the loan. */
    void add(TextPart lent) {
        if (makeRoom(lent.text().length())) {
            lent.appendTo(joined);
        } else {
            parts.add(lent.copy());
        }
    }

    /** Counts a part of {@code length} in; {@return whether it goes into the spare} */
    private boolean makeRoom(int length) {
        if (isEmpty()) {
            joined = SpareStringBuilder.take();
        }
        if (joined != null && joined.length() + length > SpareStringBuilder.MAX_JOINED_CHARS) {
            moveJoinedToParts();
        }
        chars += length;
        if (joined != null) {
            joinedLengths.addLast(length);
            return true;
        }
        return false;
    }

    /** The message outgrew the spare: hold what it has as one string per part, and free it. */
    private void moveJoinedToParts() {
        int at = 0;
        for (int length : joinedLengths) {
            parts.add(joined.substring(at, at + length));
            at += length;
        }
        joinedLengths.clear();
        SpareStringBuilder.giveBack(joined);
        joined = null;
    }

    /** {@return the oldest part, removed} */
    String takeOldest() {
        String oldest;
        if (joined != null) {
            int length = joinedLengths.removeFirst();
            oldest = joined.substring(0, length);
            joined.delete(0, length);
        } else {
            oldest = parts.remove(0);
        }
        chars -= oldest.length();
        if (joinedLengths.isEmpty() && parts.isEmpty()) {
            clear();
        }
        return oldest;
    }

    /** {@return the parts joined into one string}; nothing is held afterwards */
    String join() {
        String whole = joined != null ? joined.toString() : String.join("", parts);
        clear();
        return whole;
    }

    /** Drops every part and gives the spare back. */
    void clear() {
        if (joined != null) {
            SpareStringBuilder.giveBack(joined);
            joined = null;
        }
        joinedLengths.clear();
        parts.clear();
        chars = 0;
    }
}
