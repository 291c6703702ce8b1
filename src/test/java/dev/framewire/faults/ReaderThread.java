package dev.framewire.faults;

import dev.framewire.ConnectionClosedException;

import java.time.Duration;

/**
 * A thread that reads one connection until it ends, for tests that break the connection while it
 * reads. The end must be a {@link ConnectionClosedException}; anything else the reads throw
 * (including the subclass's assertions about what it read) is kept as the failure and reported by
 * {@link #awaitEnd} and {@link #assertHealthy}.
 */
abstract class ReaderThread {

    private final Thread thread;
    private volatile long endedAt;
    private volatile ConnectionClosedException ended;
    private volatile Throwable failure;

    ReaderThread(String name) {
        thread = new Thread(this::readUntilTheEnd, name);
        thread.setDaemon(true);
    }

    /** Reads until a read throws; returning normally counts as a failure. */
    abstract void read() throws Exception;

    /** What was read so far, for failure messages. */
    abstract String progress();

    final void startThread() {
        thread.start();
    }

    private void readUntilTheEnd() {
        try {
            read();
            failure = new AssertionError("reading stopped before the connection ended");
        } catch (ConnectionClosedException e) {
            ended = e;
        } catch (Throwable e) {
            failure = e;
        } finally {
            endedAt = System.nanoTime();
        }
    }

    /** Waits for the connection's end and returns it; fails on a bad read, or if it does not come. */
    final ConnectionClosedException awaitEnd(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        assertHealthy();
        if (thread.isAlive()) {
            throw new AssertionError(thread.getName() + " still reading after " + timeout + " (" + progress() + ")");
        }
        return ended;
    }

    /** When the connection's end was seen, as a {@link System#nanoTime()} reading. */
    final long endedAt() {
        return endedAt;
    }

    /** Fails if a read was wrong, or failed with anything but the connection's end. */
    final void assertHealthy() {
        Throwable f = failure;
        if (f != null) {
            throw new AssertionError(thread.getName() + " failed (" + progress() + ")", f);
        }
    }

    final String name() {
        return thread.getName();
    }
}
