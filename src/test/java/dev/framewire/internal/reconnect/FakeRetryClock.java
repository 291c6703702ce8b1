package dev.framewire.internal.reconnect;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link RetryClock} that never sleeps: each wait is recorded and moves its time forward, so a
 * test sees the backoff without waiting through it. {@link #advance} stands for time spent
 * elsewhere, such as a connection being used.
 */
public final class FakeRetryClock implements RetryClock {

    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private volatile long nanos = 1_000_000_000L;
    private volatile Instant wallStart = Instant.parse("2026-03-01T12:00:00Z");

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public Instant now() {
        return wallStart.plusNanos(nanos);
    }

    @Override
    public void sleep(long waitNanos) {
        sleeps.add(Duration.ofNanos(waitNanos));
        nanos += waitNanos;
    }

    /** Moves the time forward without a wait being recorded. */
    public void advance(Duration by) {
        nanos += by.toNanos();
    }

    /** {@return the waits made so far, in order} */
    public List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    /** {@return the waits made so far}, and forgets them */
    public List<Duration> takeSleeps() {
        List<Duration> taken = List.copyOf(sleeps);
        sleeps.removeAll(taken);
        return taken;
    }
}
