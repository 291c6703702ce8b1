package dev.framewire;

/**
 * A message read by {@link FrameSocket#readMessage()} grew past the
 * {@linkplain FrameSocket.Builder#maxMessageSize(int) maximum message size}.
 *
 * <p>framewire then starts closing the connection with status 1008 (policy violation; the JDK
 * does not let a client send 1009), discards the rest of the message and what follows, and
 * later reads end with {@link ConnectionClosedException}.
 */
public final class MessageTooLargeException extends WebSocketException {

    private static final long serialVersionUID = 1L;

    /** The maximum message size in bytes. */
    private final long limit;
    /** The size the message had reached when it was refused. */
    private final long size;

    /**
     * Creates an exception for an oversized message.
     *
     * @param limit the maximum message size in bytes
     * @param size  the size the message had reached when it was refused
     */
    public MessageTooLargeException(long limit, long size) {
        super("Message of at least " + size + " bytes exceeds maxMessageSize of " + limit + " bytes");
        this.limit = limit;
        this.size = size;
    }

    /** {@return the maximum message size in bytes} */
    public long limit() {
        return limit;
    }

    /** {@return the size in bytes the message had reached when it was refused} */
    public long size() {
        return size;
    }
}
