package dev.framewire.internal;

import java.io.IOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link WebSocket} for jcstress tests, lock-free where framewire's code meets it so it hides
 * no race, and true to the JDK's contract where framewire relies on it:
 * <ul>
 *   <li><b>Delivery.</b> The peer's frames ({@link Peer}) wait in a backlog; a frame is delivered
 *       only against demand, and listener calls never overlap. Like the JDK's sequential
 *       scheduler, whichever thread adds demand ({@link #request}) or makes frames arrive
 *       ({@link #arrive}) delivers them itself unless another thread is delivering already; then
 *       that thread delivers them before it lets go. So the reader's own {@code request(1)} may
 *       deliver the next part, as the JDK's does.</li>
 *   <li><b>Sends.</b> One text/binary send and one Ping/Pong send may be pending; another of
 *       its kind fails with "Send pending" and is counted ({@link #overlaps()}). After a Close or
 *       an abort, sends fail with "Output closed". Sends complete at once, or later on a writer
 *       thread of their own, as the JDK's complete on its selector thread.</li>
 * </ul>
 * Whatever goes wrong inside a listener call is recorded ({@link #failures()}), not thrown, so a
 * test reports it as an outcome.
 */
public final class RacingWebSocket implements WebSocket {

    /** A frame the peer sends. */
    public enum Peer {
        PART_0, PART_1, PART_2, PART_3, PING, PONG, CLOSE;

        public boolean isPart() {
            return ordinal() <= PART_3.ordinal();
        }
    }

    /** Where send completions run: one thread, as the JDK's writes complete on one selector thread. */
    private static final Executor WRITER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-jdk-writer");
        t.setDaemon(true);
        return t;
    });

    private final WebSocket.Listener listener;
    private final List<Peer> backlog;
    private final boolean completeLater;
    private final AtomicInteger arrived = new AtomicInteger();
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger delivering = new AtomicInteger(); // work-in-progress count of the pump
    private int next;                                              // next backlog index; only the pumping thread

    private final AtomicInteger dataPending = new AtomicInteger();
    private final AtomicInteger controlPending = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private volatile boolean outputClosed;
    private volatile boolean aborted;
    private final Queue<String> sent = new ConcurrentLinkedQueue<>();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();

    /**
     * @param listener      receives the backlog's frames (may be {@code null} for send-only tests)
     * @param backlog       what the peer will send, in order; nothing has arrived yet
     * @param completeLater complete sends on the writer thread instead of at once
     */
    public RacingWebSocket(WebSocket.Listener listener, List<Peer> backlog, boolean completeLater) {
        this.listener = listener;
        this.backlog = List.copyOf(backlog);
        this.completeLater = completeLater;
    }

    // ---- the receive side ----

    /** The next {@code n} frames of the backlog arrive from the network. */
    public void arrive(int n) {
        arrived.addAndGet(n);
        pump();
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            failures.add("request(" + n + ")");
        }
        demand.addAndGet(n);
        pump();
    }

    /** {@return demand asked for and not used by a delivery yet} */
    public long outstanding() {
        return demand.get();
    }

    /** {@return how many frames of the backlog were delivered} */
    public int delivered() {
        // Read by the arbiter after the actors: the pump's last decrement published it.
        return delivering.get() == 0 ? next : -1;
    }

    private void pump() {
        if (delivering.getAndIncrement() != 0) {
            return; // the delivering thread sees the new demand or arrival before it lets go
        }
        int missed = 1;
        do {
            while (next < arrived.get() && next < backlog.size() && demand.get() > 0) {
                demand.decrementAndGet();
                deliver(backlog.get(next++));
            }
            missed = delivering.addAndGet(-missed);
        } while (missed != 0);
    }

    private void deliver(Peer frame) {
        try {
            switch (frame) {
                case PING -> listener.onPing(this, ByteBuffer.wrap(new byte[] {9}));
                case PONG -> listener.onPong(this, ByteBuffer.wrap(new byte[] {10}));
                case CLOSE -> listener.onClose(this, 1000, "bye");
                default -> listener.onBinary(this, ByteBuffer.wrap(new byte[] {(byte) frame.ordinal()}), true);
            }
        } catch (Throwable t) {
            failures.add("delivering " + frame + ": " + t);
        }
    }

    // ---- the send side ----

    @Override
    public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
        return send(dataPending, "T" + data + (last ? "" : "+"));
    }

    @Override
    public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
        StringBuilder label = new StringBuilder("B");
        while (data.hasRemaining()) {
            label.append(data.get());
        }
        return send(dataPending, label.append(last ? "" : "+").toString());
    }

    @Override
    public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
        return send(controlPending, "PING");
    }

    @Override
    public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
        return send(controlPending, "PONG");
    }

    @Override
    public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
        return send(null, "CLOSE" + statusCode);
    }

    /** As the JDK: the pending check, then the output queue, whose order is the wire's. */
    private CompletableFuture<WebSocket> send(AtomicInteger pending, String label) {
        if (pending != null && !pending.compareAndSet(0, 1)) {
            overlaps.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException("Send pending"));
        }
        CompletableFuture<WebSocket> future = new CompletableFuture<>();
        synchronized (sent) { // the JDK's output queue: a Close and a send after it are ordered
            if (outputClosed) {
                if (pending != null) {
                    pending.set(0);
                }
                return CompletableFuture.failedFuture(new IOException("Output closed"));
            }
            sent.add(label);
            if (pending == null) {
                outputClosed = true;
            }
        }
        Runnable written = () -> {
            if (pending != null) {
                pending.set(0); // the JDK clears its pending flag before the caller sees the future complete
            }
            if (aborted) {
                future.completeExceptionally(new IOException("Output closed"));
            } else {
                future.complete(this);
            }
        };
        if (completeLater) {
            WRITER.execute(written);
        } else {
            written.run();
        }
        return future;
    }

    /** Adds a test's note to the send log, in order with the sends. */
    public void note(String what) {
        synchronized (sent) {
            sent.add(what);
        }
    }

    /** {@return the sends the JDK took, in wire order, with the test's notes} */
    public List<String> sent() {
        return List.copyOf(sent);
    }

    /** {@return how many sends came while one of their kind was pending: framewire must make it 0} */
    public int overlaps() {
        return overlaps.get();
    }

    /** {@return what went wrong inside listener calls or requests} */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    // ---- the rest ----

    @Override
    public void abort() {
        aborted = true;
        synchronized (sent) {
            outputClosed = true;
        }
    }

    public boolean aborted() {
        return aborted;
    }

    @Override
    public boolean isOutputClosed() {
        return outputClosed;
    }

    @Override
    public boolean isInputClosed() {
        return aborted;
    }

    @Override
    public String getSubprotocol() {
        return "";
    }
}
