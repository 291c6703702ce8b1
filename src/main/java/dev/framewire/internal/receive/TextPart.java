package dev.framewire.internal.receive;

import dev.framewire.Opcode;
import dev.framewire.internal.Utf8;

import java.io.IOException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A part of a text message (a whole message in one part is the commonest), on its way from the
 * listener to a reader.
 *
 * <p>A part is either <em>copied</em>, holding a {@code String} of its own, or <em>lent</em>:
 * it keeps the {@link CharBuffer} the JDK decoded it into, and the JDK may not reuse that buffer
 * until the stage {@link #loanReturned()} completes ({@link java.net.http.WebSocket.Listener#onText}).
 * The JDK decodes each part into a fresh buffer, so keeping it costs no copy: the reader copies
 * the characters once, straight into the message {@code readMessage} joins, where copying on the
 * listener thread would copy every character twice (into a string per part, then into the
 * message). See {@link InboundListener} for when a part is lent.
 *
 * <p><b>Ownership.</b> Exactly one holder ends a loan: whoever took the part last (the queue
 * when it drops it, the message assembler when it joins or drops it, {@code readFrame} when it
 * copies it). Each of {@link #takeText()}, {@link #appendTo} and {@link #discard()} ends it, and
 * after that the part must not be read again. Ending a loan twice is harmless.
 */
public final class TextPart implements Inbound {

    private final Opcode opcode;
    private final CharSequence text;
    private final boolean last;
    private final CompletableFuture<Void> loan; // null for a copied part

    private TextPart(Opcode opcode, CharSequence text, boolean last, CompletableFuture<Void> loan) {
        this.opcode = opcode;
        this.text = text;
        this.last = last;
        this.loan = loan;
    }

    /** {@return a part that holds its own copy of the text} */
    static TextPart copied(Opcode opcode, String text, boolean last) {
        return new TextPart(opcode, text, last, null);
    }

    /** {@return a part that keeps the JDK's buffer until {@link #loanReturned()} completes} */
    static TextPart lent(Opcode opcode, CharSequence jdkText, boolean last) {
        return new TextPart(opcode, jdkText, last, new CompletableFuture<>());
    }

    /** {@return the stage for the JDK: completes once the buffer is no longer read}, or {@code null} for a copied part */
    CompletionStage<?> loanReturned() {
        return loan;
    }

    /** {@return whether this part still reads from the JDK's buffer} */
    boolean isLent() {
        return loan != null && !loan.isDone();
    }

    /** {@return {@link Opcode#TEXT} for the first part of a message, else {@link Opcode#CONTINUATION}} */
    Opcode opcode() {
        return opcode;
    }

    /** {@return whether this part ends its message} */
    @Override
    public boolean isLast() {
        return last;
    }

    @Override
    public boolean isData() {
        return true;
    }

    @Override
    public Opcode messageType() {
        return Opcode.TEXT;
    }

    @Override
    public byte[] streamBytes() {
        return takeText().getBytes(StandardCharsets.UTF_8);
    }

    /** {@return the number of UTF-16 chars} */
    int length() {
        return text.length();
    }

    /** {@return the UTF-8 length of the text} */
    long encodedLength() {
        return Utf8.encodedLength(text);
    }

    /** {@return the text as a {@code String}}, copied if lent; ends the loan */
    String takeText() {
        if (loan == null) {
            return (String) text;
        }
        String copy = text.toString();
        loan.complete(null);
        return copy;
    }

    /** {@return this part, holding its own copy of the text}; ends the loan */
    TextPart copied() {
        return loan == null ? this : copied(opcode, takeText(), last);
    }

    /** Appends the text to {@code into}; ends the loan. */
    void appendTo(StringBuilder into) {
        if (text instanceof CharBuffer chars && chars.hasArray()) {
            // append(char[], ...) copies in bulk; append(CharSequence) would go char by char.
            into.append(chars.array(), chars.arrayOffset() + chars.position(), chars.remaining());
        } else {
            into.append(text);
        }
        discard();
    }

    @Override
    public void discard() {
        if (loan != null) {
            loan.complete(null);
        }
    }

    @Override
    public <F> F toFrame(ReadResults<F, ?> results) {
        return results.frame(opcode, last, takeText(), null, null);
    }

    @Override
    public void addTo(MessageAssembler message) throws IOException {
        message.addText(this);
    }
}
