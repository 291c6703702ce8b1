package dev.framewire.internal;

import dev.framewire.Frame;
import dev.framewire.Opcode;

import java.nio.CharBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One part of a text message that came in more than one part, on its way from the listener to the
 * reader.
 *
 * <p>The JDK decodes every text part into a fresh {@link CharBuffer} and lends it to the listener
 * until the stage the listener returns completes ({@link java.net.http.WebSocket.Listener#onText}).
 * A <em>lent</em> part keeps that buffer and returns the stage; the reader copies the characters
 * once, straight into the message {@code readMessage} is joining (or into the {@link Frame}
 * {@code readFrame} returns), and only then completes the stage. Copying on the listener thread
 * instead would copy every character twice: into a {@code String} per part, then into the message.
 *
 * <p>A lent buffer holds two bytes per character where a {@code String} of ASCII holds one, so the
 * listener lends only large parts, and only while the reader keeps up; other parts travel as
 * {@link Frame}s, copied at once (see {@link InboundListener}).
 *
 * <p>Whoever takes a part from the queue must end the loan exactly once: {@link #toFrame},
 * {@link #appendTo}, or {@link #release} if it is dropped unread.
 */
public final class TextPart {

    private final Opcode opcode;
    private final CharSequence text;
    private final boolean last;
    private final CompletableFuture<Void> loan;

    private TextPart(Opcode opcode, CharSequence text, boolean last, CompletableFuture<Void> loan) {
        this.opcode = opcode;
        this.text = text;
        this.last = last;
        this.loan = loan;
    }

    /** A part that keeps the JDK's buffer until {@link #loanReturned()} completes. */
    public static TextPart lent(Opcode opcode, CharSequence jdkText, boolean last) {
        return new TextPart(opcode, jdkText, last, new CompletableFuture<>());
    }

    /** {@return the stage for the JDK: completes once the buffer is no longer read} */
    public CompletionStage<?> loanReturned() {
        return loan;
    }

    /** {@return {@link Opcode#TEXT} for the first part of a message, else {@link Opcode#CONTINUATION}} */
    public Opcode opcode() {
        return opcode;
    }

    /** {@return whether this part ends its message} */
    public boolean isLast() {
        return last;
    }

    /** {@return the text, readable only until the loan ends} */
    public CharSequence text() {
        return text;
    }

    /** Copies the text and ends the loan. */
    public String copy() {
        String copy = text.toString();
        release();
        return copy;
    }

    /** Copies the text into a frame and ends the loan. */
    public Frame toFrame() {
        return Frame.ofText(opcode, copy(), last);
    }

    /** Appends the text to {@code into} and ends the loan. */
    public void appendTo(StringBuilder into) {
        if (text instanceof CharBuffer chars && chars.hasArray()) {
            // append(char[], ...) copies in bulk; append(CharSequence) would go char by char.
            into.append(chars.array(), chars.arrayOffset() + chars.position(), chars.remaining());
        } else {
            into.append(text);
        }
        release();
    }

    /** Ends the loan without reading: the part was dropped. Harmless if the loan ended already. */
    public void release() {
        loan.complete(null);
    }
}
