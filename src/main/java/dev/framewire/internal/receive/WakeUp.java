package dev.framewire.internal.receive;

/**
 * A queue item that carries nothing: it wakes the reader blocked in the queue so that it looks at
 * a request made from another thread ({@link InboundReader#abandonStream}, when a
 * {@code MessageStream} is closed while its read waits). It is not a part: it takes no demand,
 * is never returned by a read, and survives {@link ReceiveQueue#discardAll()} (it holds nothing).
 */
enum WakeUp implements Inbound {
    /** The one marker; at most one is queued at a time. */
    MARKER;

    @Override
    public <F> F toFrame(ReadResults<F, ?> results) {
        throw new IllegalStateException("A wake-up marker is not a frame");
    }

    /** Belongs to no message: skipped. */
    @Override
    public void addTo(MessageAssembler message) {
    }

    /** Belongs to no message: {@code null}, skipped as a Ping is. */
    @Override
    public byte[] streamBytes() {
        return null;
    }

    @Override
    public boolean isWakeUp() {
        return true;
    }

    @Override
    public boolean keepWhenDiscarding() {
        return true;
    }
}
