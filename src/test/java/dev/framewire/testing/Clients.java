package dev.framewire.testing;

import dev.framewire.FrameSocket;

import java.time.Duration;

/**
 * The waits and client settings the page tests share, so that a test says only what is its own.
 * Every wait here is a generous bound that catches a hang, never a time a test measures.
 */
public final class Clients {

    /** How long a test waits for something that is coming: only a hang waits it out. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    /** How long a test waits to see that something does not come. */
    public static final Duration SHORT = Duration.ofMillis(200);

    /** How long a scripted peer stays after its script, waiting for the client to go. */
    public static final Duration LINGER = Duration.ofSeconds(10);

    private Clients() {
    }

    /** {@return a client whose reads wait {@link #WAIT}}: what a test of a polite peer connects with */
    public static FrameSocket.Builder waiting() {
        return FrameSocket.newBuilder().readTimeout(WAIT);
    }

    /**
     * {@return a client for a scripted peer}: reads wait {@link #WAIT}, and {@code close()} waits
     * 200 ms for the peer's Close rather than its default 5 s, since most scripts never send one
     */
    public static FrameSocket.Builder scripted() {
        return waiting().closeTimeout(SHORT);
    }
}
