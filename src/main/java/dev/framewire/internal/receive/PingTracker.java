package dev.framewire.internal.receive;

import dev.framewire.internal.Ending;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Matches Pongs to the Pings framewire sent itself ({@code ping(Duration)} and keepalive), so
 * those Pongs are consumed here and never reach {@code readFrame}.
 *
 * <p>Each such Ping carries an 18-byte payload: the marker {@code "fw"}, a random number drawn
 * once per connection, and a sequence number. The random part keeps a user's own Ping from being
 * taken for one of ours by accident. A peer may answer only the most recent of several Pings
 * (RFC 6455 section 5.5.3), so a Pong answers its own Ping and every earlier one still waiting.
 */
public final class PingTracker {

    private static final int PAYLOAD_LENGTH = 18;
    private static final byte MARK_0 = 'f';
    private static final byte MARK_1 = 'w';

    private final long nonce = ThreadLocalRandom.current().nextLong();
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentSkipListMap<Long, CompletableFuture<Long>> waiting = new ConcurrentSkipListMap<>();

    /** A Ping sent by framewire: its payload, and the future of its Pong's arrival time (nanoTime). */
    public record Pending(long id, ByteBuffer payload, CompletableFuture<Long> pong) {
    }

    /** Registers a new Ping; its future completes with {@link System#nanoTime()} when answered. */
    public Pending register() {
        long id = sequence.incrementAndGet();
        CompletableFuture<Long> pong = new CompletableFuture<>();
        waiting.put(id, pong);
        ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_LENGTH).put(MARK_0).put(MARK_1).putLong(nonce).putLong(id).flip();
        return new Pending(id, payload, pong);
    }

    /** Forgets a Ping that is no longer waited for. */
    public void forget(Pending pending) {
        waiting.remove(pending.id(), pending.pong());
    }

    /**
     * Offers a received Pong.
     *
     * @return {@code true} if it answered a Ping of framewire's (and so must not be delivered)
     */
    boolean answer(ByteBuffer pong) {
        int p = pong.position();
        if (pong.remaining() != PAYLOAD_LENGTH || pong.get(p) != MARK_0 || pong.get(p + 1) != MARK_1
                || pong.getLong(p + 2) != nonce) {
            return false;
        }
        long id = pong.getLong(p + 10);
        long now = System.nanoTime();
        ConcurrentNavigableMap<Long, CompletableFuture<Long>> answered = waiting.headMap(id, true);
        for (Map.Entry<Long, CompletableFuture<Long>> e : answered.entrySet()) {
            e.getValue().complete(now);
        }
        answered.clear();
        return id >= 1 && id <= sequence.get();
    }

    /** Fails every waiting Ping: the connection ended. */
    void failAll(Ending how) {
        for (CompletableFuture<Long> f : waiting.values()) {
            f.completeExceptionally(how.toException());
        }
        waiting.clear();
    }
}
