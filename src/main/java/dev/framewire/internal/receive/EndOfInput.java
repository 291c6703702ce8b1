package dev.framewire.internal.receive;

import dev.framewire.ConnectionClosedException;
import dev.framewire.internal.Ending;

/**
 * The receive queue's last item: behind it nothing more arrives. A reader that reaches it has
 * read everything that came before the end, and every read from then on throws the connection's
 * {@link Ending} as a {@link ConnectionClosedException}. It stays in the queue for the next
 * reader and survives {@link ReceiveQueue#discardAll()}.
 *
 * <p>Why an item of its own and not the {@code Ending}: the ending is the connection's fact,
 * shared by senders, pings and {@code close()}; what a read does at the end of the queue is the
 * receive flow's business.
 *
 * @param ending how the connection ended
 */
record EndOfInput(Ending ending) implements Inbound {

    @Override
    public <F> F toFrame(ReadResults<F, ?> results) throws ConnectionClosedException {
        throw ending.toException();
    }

    @Override
    public void addTo(MessageAssembler message) throws ConnectionClosedException {
        throw ending.toException();
    }

    @Override
    public byte[] streamBytes() throws ConnectionClosedException {
        throw ending.toException();
    }

    @Override
    public boolean isEnd() {
        return true;
    }

    @Override
    public boolean keepWhenDiscarding() {
        return true;
    }
}
