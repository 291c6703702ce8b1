package dev.framewire.internal;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The lifecycle of one connection, shared by the reading and the sending side.
 *
 * <p>Invariants: the ending is set at most once (the first cause wins: the peer's Close, a
 * failure, or an abort) and never changes afterwards; {@link #ended()} completes exactly when it
 * is set. The Close we sent is recorded separately, because after it the connection may still
 * read until the peer answers.
 */
public final class ConnectionState {

    private final AtomicReference<Ending> ending = new AtomicReference<>();
    private final AtomicReference<CloseStatus> closeSent = new AtomicReference<>();
    private final CompletableFuture<Ending> ended = new CompletableFuture<>();

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

    /**
     * Records that we sent (or are about to send) a Close.
     *
     * @return {@code true} if no Close had been sent before
     */
    public boolean markCloseSent(CloseStatus status) {
        return closeSent.compareAndSet(null, status);
    }

    /** {@return whether neither side has closed and the connection has not failed} */
    public boolean isOpen() {
        return ending.get() == null && closeSent.get() == null;
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
        if (sent != null) {
            return new ConnectionClosedException(sent,
                    "A Close (" + sent + ") was already sent: nothing more may be sent on this connection", null);
        }
        return null;
    }
}
