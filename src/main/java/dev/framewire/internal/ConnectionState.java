package dev.framewire.internal;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The lifecycle of one connection, shared by the listener, the reader, the senders and
 * {@code close()}. It holds two things, because they are independent: what <em>this side</em> has
 * done to end the connection (the {@link Phase}), and how the connection <em>ended</em> (the
 * {@link Ending}, which may come first, from the peer or the network).
 *
 * <p>Both only move forward. The phase moves by compare-and-set, so when two threads race (say
 * {@code sendClose} and {@code close()}), exactly one wins each step. The ending is set at most
 * once (the first cause wins: the peer's Close, a failure, or an abort) and {@link #ended()}
 * completes exactly when it is set.
 *
 * <p>Touched on every thread: the JDK's listener thread (which may be the selector thread, or
 * the reader's own thread inside {@code request(n)}), readers, senders, the keepalive scheduler
 * and the closing thread. Every field is atomic or written once before a volatile publication.
 */
public final class ConnectionState {

    /**
     * What this side does with what arrives, as it ends the connection. The order is the order of
     * a life: a phase only ever moves to a later one, and may skip some. Whether a Close was sent
     * is not a phase: it is the one Close this side sent ({@link #claimClose}), which any phase may
     * have (after {@code sendClose} the phase stays {@code OPEN}: the peer's frames are still read
     * until its Close).
     *
     * <pre>
     *   OPEN ──a message too large──▶ DRAINING
     *   OPEN, DRAINING ──close() starts──▶ CLOSING
     *   CLOSING ──close() returns──▶ CLOSED
     * </pre>
     */
    public enum Phase {
        /** Nothing done yet: data is read, whether or not a Close was sent. */
        OPEN,
        /** A message was too large: Close 1008 went out, data is dropped, the peer's Close still comes through. */
        DRAINING,
        /** {@code close()} is running: unread data is dropped while it waits for the peer's Close. */
        CLOSING,
        /** {@code close()} has returned: reads report the end at once. */
        CLOSED;

        /** {@return whether received data is dropped instead of queued} */
        public boolean dropsData() {
            return compareTo(DRAINING) >= 0;
        }
    }

    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.OPEN);
    private final AtomicReference<Ending> ending = new AtomicReference<>();
    private final CompletableFuture<Ending> ended = new CompletableFuture<>();
    private final AtomicReference<CloseStatus> closeSent = new AtomicReference<>(); // the one Close this side sent

    /** {@return this side's phase now} */
    public Phase phase() {
        return phase.get();
    }

    /**
     * Moves the phase forward to {@code to} if it is now {@code from} or any phase between.
     *
     * @return the phase it moved from, or {@code null} if it was already past {@code to}'s
     * predecessors (another thread got there first, or {@code from} was already left)
     */
    public Phase advance(Phase from, Phase to) {
        while (true) {
            Phase now = phase.get();
            if (now.compareTo(from) < 0 || now.compareTo(to) >= 0) {
                return null;
            }
            if (phase.compareAndSet(now, to)) {
                return now;
            }
        }
    }

    /**
     * Claims the connection's one Close for {@code status}: only the first caller may send a Close,
     * and none may after the connection ended.
     *
     * @return {@code true} if the caller must now send {@code status}
     */
    public boolean claimClose(CloseStatus status) {
        return ending.get() == null && closeSent.compareAndSet(null, status);
    }

    /** {@return whether this side has sent a Close or started to close: an end that follows is its doing} */
    public boolean closingLocally() {
        return closeSent.get() != null || phase.get() != Phase.OPEN;
    }

    /**
     * Records how the connection ended, unless it had ended already.
     *
     * @return {@code true} if this call ended the connection
     */
    public boolean end(Ending how) {
        if (ending.compareAndSet(null, how)) {
            ended.complete(how);
            return true;
        }
        return false;
    }

    /** {@return how the connection ended, or {@code null} while it has not} */
    public Ending ending() {
        return ending.get();
    }

    /** {@return a future that completes with the ending once the connection has ended} */
    public CompletableFuture<Ending> ended() {
        return ended;
    }

    /** {@return whether neither side has closed and the connection has not failed} */
    public boolean isOpen() {
        return ending.get() == null && closeSent.get() == null && phase.get() == Phase.OPEN;
    }

    /** {@return the peer's close status (1006 when the connection ended without one), if it ended} */
    public Optional<CloseStatus> closeStatus() {
        Ending e = ending.get();
        return e == null ? Optional.empty() : Optional.of(e.status());
    }

    /**
     * {@return the exception for a send attempted after the end}, or {@code null} while sending
     * is still allowed.
     */
    public ConnectionClosedException sendRefusal() {
        Ending e = ending.get();
        if (e != null) {
            return e.toException();
        }
        CloseStatus sent = closeSent.get();
        if (sent != null || phase.get() != Phase.OPEN) {
            String what = sent != null ? "A Close (" + sent + ") was already sent" : "This side is closing the connection";
            return new ConnectionClosedException(sent != null ? sent : new CloseStatus(CloseStatus.NORMAL_CLOSURE, ""),
                    what + ": nothing more may be sent on this connection", null, true);
        }
        return null;
    }
}
