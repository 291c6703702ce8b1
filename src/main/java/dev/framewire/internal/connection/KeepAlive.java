package dev.framewire.internal.connection;

import dev.framewire.WebSocketException;
import dev.framewire.internal.Checks;
import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.Durations;
import dev.framewire.internal.Ending;
import dev.framewire.internal.events.ConnectionEvents;
import dev.framewire.internal.receive.InboundListener;
import dev.framewire.internal.receive.PingTracker;
import dev.framewire.internal.send.OutboundSender;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Liveness for one connection: after {@code interval} with nothing received, send a Ping; if
 * nothing at all arrives within {@code timeout} after it, abort the connection (1006).
 *
 * <p>Any inbound frame counts as life, not only the Pong. While framewire withholds demand from
 * the JDK because the reader has not kept up (the receive queue is full), nothing can arrive,
 * however alive the peer is: the peer is not silent, the reader is behind. Then the keepalive
 * neither pings nor times out; once the reader has caught up, timing starts afresh from that
 * moment, as if something had arrived then (a Ping still waiting for its Pong counts as answered;
 * the next one goes out after {@code interval} more without traffic).
 *
 * <p>All connections share one daemon
 * scheduler thread; each connection's check is a short non-blocking task on it (the Ping is
 * handed to the JDK without waiting, and skipped if a Ping or Pong is already being sent).
 */
public final class KeepAlive implements Runnable {

    private final long intervalNanos;
    private final long timeoutNanos;
    private final Duration interval;
    private final Duration timeout;
    private final LongSupplier clock;       // System::nanoTime; a test's own clock in KeepAliveTest
    private final LongSupplier lastInbound; // the listener's lastInboundNanos
    private final LongSupplier demandWithheldSince; // the listener's: non-zero while the reader is behind
    private final OutboundSender sender;
    private final PingTracker pings;
    private final Consumer<Ending> abort;
    private final LongConsumer roundTrip; // told each answered Ping's round trip, on the listener thread
    private final ConnectionEvents events;
    private long pingSentNanos; // 0 while no keepalive Ping is waiting; scheduler thread only
    private boolean readerBehind; // demand was withheld at the last check; scheduler thread only
    private long caughtUpNanos;   // the first check after the reader caught up, or 0; scheduler thread only
    private volatile ScheduledFuture<?> task; // set once by start(), read when the connection ends

    /**
     * Creates the check without scheduling it. Package-private, with the clock, the time of the
     * last arrival and the reader's backlog as suppliers, so that KeepAliveTest can run
     * {@link #run()} by hand on a clock of its own; {@link #start} passes {@link System#nanoTime()}
     * and the listener's.
     */
    KeepAlive(Duration interval, Duration timeout, LongSupplier clock, LongSupplier lastInbound,
              LongSupplier demandWithheldSince, OutboundSender sender, PingTracker pings, Consumer<Ending> abort,
              LongConsumer roundTrip, ConnectionEvents events) {
        this.interval = interval;
        this.timeout = timeout;
        this.intervalNanos = Checks.toNanosSaturated(interval);
        this.timeoutNanos = Checks.toNanosSaturated(timeout);
        this.clock = clock;
        this.lastInbound = lastInbound;
        this.demandWithheldSince = demandWithheldSince;
        this.sender = sender;
        this.pings = pings;
        this.abort = abort;
        this.roundTrip = roundTrip;
        this.events = events;
    }

    /**
     * Starts watching a connection until it ends.
     *
     * @param state the connection's lifecycle; watching stops when it ends
     * @param abort     aborts the connection when the peer stays silent
     * @param roundTrip told the round trip of each keepalive Ping that is answered
     * @param events    the connection's JFR events (a keepalive timeout)
     */
    static void start(Duration interval, Duration timeout, ConnectionState state, InboundListener inbound,
                      OutboundSender sender, PingTracker pings, Consumer<Ending> abort, LongConsumer roundTrip,
                      ConnectionEvents events) {
        KeepAlive keepAlive = new KeepAlive(interval, timeout, System::nanoTime, inbound::lastInboundNanos,
                inbound::demandWithheldSince, sender, pings, abort, roundTrip, events);
        // Check often enough that a silent peer is caught soon after interval + timeout.
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(keepAlive.intervalNanos, keepAlive.timeoutNanos) / 4);
        keepAlive.task = Scheduler.INSTANCE.scheduleWithFixedDelay(keepAlive, tick, tick, TimeUnit.NANOSECONDS);
        state.ended().whenComplete((how, failure) -> keepAlive.task.cancel(false));
    }

    @Override
    public void run() {
        long now = clock.getAsLong();
        if (demandWithheldSince.getAsLong() != 0) {
            readerBehind = true; // the peer's frames, its Pong among them, wait for the reader
            return;
        }
        if (readerBehind) {
            readerBehind = false;
            caughtUpNanos = now == 0 ? 1 : now;
        }
        long lastInbound = this.lastInbound.getAsLong();
        if (caughtUpNanos != 0 && caughtUpNanos - lastInbound > 0) {
            lastInbound = caughtUpNanos; // catching up starts the timing afresh
        }
        if (pingSentNanos != 0) {
            if (lastInbound - pingSentNanos >= 0) {
                pingSentNanos = 0; // something arrived after the Ping: alive
            } else if (now - pingSentNanos >= timeoutNanos) {
                String message = "Keepalive: nothing arrived within " + Durations.format(timeout) + " of a Ping sent after "
                        + Durations.format(interval) + " without traffic; the connection was aborted";
                events.keepAliveTimeout(intervalNanos, timeoutNanos);
                abort.accept(Ending.localAbort(message, new WebSocketException(message)));
                return;
            }
        }
        if (pingSentNanos == 0 && now - lastInbound >= intervalNanos) {
            PingTracker.Pending ping = pings.register();
            long sent = System.nanoTime(); // the round trip is real time, whatever clock decides when to ping
            if (sender.trySendPing(ping.payload())) {
                pingSentNanos = now == 0 ? 1 : now;
                ping.pong().thenAccept(arrived -> roundTrip.accept(arrived - sent));
            } else {
                pings.forget(ping);
            }
        }
    }

    /**
     * The one scheduler thread all keepalives share, made on first use. Like the shared
     * {@code HttpClient}, it is a service, not shared data: each connection's task touches only
     * that connection's state, and nothing of one connection is visible to another.
     */
    private static final class Scheduler {
        static final ScheduledExecutorService INSTANCE = create();

        private static ScheduledExecutorService create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "framewire-keepalive");
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
            return Executors.unconfigurableScheduledExecutorService(executor);
        }
    }
}
