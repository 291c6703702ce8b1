package dev.framewire.internal.connection;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;
import dev.framewire.ConnectionStats;
import dev.framewire.HandshakeException;
import dev.framewire.ReadTimeoutException;
import dev.framewire.WebSocketException;
import dev.framewire.internal.Checks;
import dev.framewire.internal.ConnectionLog;
import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.ConnectionState.Phase;
import dev.framewire.internal.Durations;
import dev.framewire.internal.Ending;
import dev.framewire.internal.events.ConnectionEvents;
import dev.framewire.internal.handshake.Connector;
import dev.framewire.internal.handshake.ProxyRoute;
import dev.framewire.internal.handshake.SharedHttpClient;
import dev.framewire.internal.handshake.Uris;
import dev.framewire.internal.receive.InboundListener;
import dev.framewire.internal.receive.InboundReader;
import dev.framewire.internal.receive.PingTracker;
import dev.framewire.internal.receive.ReadResults;
import dev.framewire.internal.receive.ReadSpin;
import dev.framewire.internal.receive.ReceiveCounts;
import dev.framewire.internal.receive.ReceiveQueue;
import dev.framewire.internal.send.BinarySendStream;
import dev.framewire.internal.send.OutboundSender;
import dev.framewire.internal.send.SendCounts;
import dev.framewire.internal.send.TextSendWriter;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One connection's lifecycle owner: it wires the flows together (state, receive queue, listener,
 * reader, sender, pings, log, keepalive), and it is the one place that ends the connection from
 * this side, for {@code FrameSocket} and for every internal caller: the reader's refusal of a
 * message too large ({@link #refuseData}), the sender's and the keepalive's aborts
 * ({@link #abort(Ending)}). They get these methods as callbacks, so the flows below never depend
 * on this package.
 *
 * <h2>The closing protocol</h2>
 * <pre>
 *   close(status)  ──phase OPEN..DRAINING → CLOSING (one winner)──▶ discard unread parts
 *                  ──claim the one Close──▶ hand Close(status) to the JDK (not awaited)
 *                  ──wait ≤ closeTimeout for the end──▶ ended: leave TCP to the JDK
 *                                                    └─▶ timed out / interrupted: abort
 *                  ──phase → CLOSED──▶ drop what a timed-out readMessage held
 *
 *   refuseData(status) ──phase OPEN → DRAINING──▶ discard unread parts ──claim──▶ Close(status)
 *   abort(how)         ──end(how): first cause wins──▶ queue ends, pings fail ──▶ JDK abort
 * </pre>
 *
 * <p>Invariants:
 * <ul>
 *   <li>At most one Close goes out ({@link ConnectionState#claimClose}), whoever sends it:
 *       {@code sendClose}, {@code close()} or a refused message.</li>
 *   <li>{@code close()} runs once: the phase moves to {@code CLOSING} by compare-and-set, and a
 *       second caller (or a second thread) returns at once.</li>
 *   <li>{@code close()} never waits longer than the close timeout, however the peer behaves: the
 *       Close is handed to the JDK, not awaited, so a peer that stopped reading cannot stretch it.</li>
 *   <li>Once the connection has ended, nothing aborts it any more: the JDK then closes TCP itself,
 *       after writing its answer to the peer's Close if it owes one, and an abort could cut that
 *       answer off.</li>
 *   <li>Every end goes through {@link #abort} or the listener, which set the ending once and then
 *       wake every reader, sender and ping.</li>
 * </ul>
 *
 * <h2>What it counts and records</h2>
 * The flows count what they see ({@link ReceiveCounts} on the listener and reader,
 * {@link SendCounts} in the sender's slots), each count with one writer at a time, and
 * {@link #stats()} reads them without a lock. The JDK Flight Recorder events of the connection
 * ({@link ConnectionEvents}) are made here for the connect, the end and the round trips, and by
 * the flows for a send that blocked and a message too large.
 *
 * <p>Thread-safe: every method may be called from any thread, and {@code close()} may race a
 * blocked reader, a sender, the keepalive and the JDK's listener (jcstress,
 * {@code CloseWhileReceivingStress} and {@code CloseVersusSendStress}).
 *
 * @param <F> the frame type reads return
 * @param <M> the message type reads return
 */
public final class Connection<F, M> {

    /** Opens the JDK's WebSocket with the connection's listener; a test's own opener uses a fake. */
    @FunctionalInterface
    public interface Opener {
        /**
         * {@return the open WebSocket}, whose listener is {@code listener}
         *
         * @param log the connection's log
         */
        WebSocket open(WebSocket.Listener listener, ConnectionLog log) throws IOException;
    }

    private final URI uri;
    private final ConnectionLog log;
    private final ConnectionState state = new ConnectionState();
    private final PingTracker pings = new PingTracker();
    private final ReceiveQueue queue;
    private final InboundListener listener;
    private final WebSocket webSocket;
    private final OutboundSender sender;
    private final InboundReader<F, M> reader;
    private final Duration closeTimeout;
    private final ConnectionEvents events;
    private final ReceiveCounts received = new ReceiveCounts();
    private final SendCounts sent = new SendCounts();
    private final Instant openedAt;
    private final long openedNanos;
    private volatile long lastRoundTripNanos = -1; // -1: no Ping of ours answered yet; any thread writes, the latest wins

    /**
     * Opens a connection through the JDK, blocking until the opening handshake completes.
     *
     * @param uriAsGiven a ws or wss URI (checked here); credentials in it become the Authorization header
     *                   and are kept nowhere else
     * @param results    makes the frames and messages reads return
     */
    public static <F, M> Connection<F, M> open(Settings settings, URI uriAsGiven, ReadResults<F, M> results)
            throws IOException {
        URI uri = Uris.withoutUserInfo(Uris.requireWebSocketUri(uriAsGiven));
        HttpClient client = settings.httpClient() != null ? settings.httpClient() : SharedHttpClient.get();
        Opener jdk = (listener, log) -> Connector.open(client, uri, Uris.withCredentials(settings.headers(), uriAsGiven),
                settings.subprotocols(), settings.connectTimeout(), listener, log);
        return new Connection<>(settings, uri, results, jdk, () -> ProxyRoute.of(client, uri).orElse(""));
    }

    /**
     * Wires a connection and opens it with {@code opener}.
     *
     * @param uri the URI without user-info: it is shown and logged
     */
    public Connection(Settings settings, URI uri, ReadResults<F, M> results, Opener opener) throws IOException {
        this(settings, uri, results, opener, () -> "");
    }

    /**
     * Wires a connection and opens it with {@code opener}.
     *
     * @param proxy names the proxy the connection goes through ({@code host:port}, or empty), for
     *              the {@code Connect} event; asked only when a recording wants that event
     */
    private Connection(Settings settings, URI uri, ReadResults<F, M> results, Opener opener, Supplier<String> proxy)
            throws IOException {
        this.uri = uri;
        this.closeTimeout = settings.closeTimeout();
        this.log = new ConnectionLog(uri);
        this.events = new ConnectionEvents(log.tag(), uri);
        this.queue = new ReceiveQueue(settings.maxQueuedParts(), state, ReadSpin.of(settings.readSpin()));
        this.listener = new InboundListener(queue, state, pings, settings.pongAutoConsume(), settings.deliverPings(), log,
                received);
        this.webSocket = openRecorded(opener, proxy);
        this.openedNanos = System.nanoTime();
        this.openedAt = Instant.now();
        this.sender = new OutboundSender(webSocket, state, settings.sendTimeout(), this::abort, log, sent, events);
        this.reader = new InboundReader<>(queue, state, this::refuseData, results, settings.readTimeout(),
                settings.maxMessageSize(), received, events);
        state.ended().thenAccept(how -> events.connectionEnd(how.local(), how.status().code(), how.status().reason(),
                System.nanoTime() - openedNanos, how.message()));
        if (settings.keepsAlive()) {
            KeepAlive.start(settings.keepAliveInterval(), settings.keepAliveTimeout(), state, listener, sender, pings,
                    this::abort, this::keepAliveRoundTrip, events);
        }
    }

    /** Opens the WebSocket inside a {@code Connect} event, which says how the handshake ended. */
    private WebSocket openRecorded(Opener opener, Supplier<String> proxy) throws IOException {
        Object connect = events.connectBegins();
        WebSocket opened;
        try {
            opened = opener.open(listener, log);
        } catch (IOException | RuntimeException e) {
            if (connect != null) {
                String outcome = e instanceof HandshakeException ? "refused"
                        : e instanceof InterruptedIOException ? "interrupted" : "failed";
                events.connectEnds(connect, proxy.get(), outcome, e.getMessage() != null ? e.getMessage() : e.toString());
            }
            throw e;
        }
        if (connect != null) {
            events.connectEnds(connect, proxy.get(), "connected", "");
        }
        return opened;
    }

    /**
     * {@return what this connection has done so far}: a snapshot of counts that the flows keep
     * with one writer each; never blocks, takes no lock
     */
    public ConnectionStats stats() {
        long roundTrip = lastRoundTripNanos;
        return new ConnectionStats(openedAt,
                sent.messages(), received.messages(),
                sent.frames(), received.parts(),
                sent.bytes(), received.bytes(),
                sent.pings(), received.pongs(),
                roundTrip < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(roundTrip)),
                // A reader may take a part a moment before the listener has counted it in.
                Math.max(0, queue.held()), queue.highWater(),
                Duration.ofNanos(sent.waitedNanos()),
                received.readTimeouts());
    }

    /** The keepalive's Ping was answered after {@code nanos}. */
    private void keepAliveRoundTrip(long nanos) {
        lastRoundTripNanos = nanos;
        events.roundTrip(nanos, true);
    }

    /** {@return the sends of this connection} */
    public OutboundSender sender() {
        return sender;
    }

    /** {@return a new binary message as a stream, as {@code FrameSocket.sendStream()} documents} */
    public OutputStream sendStream() throws IOException {
        return BinarySendStream.open(sender);
    }

    /** {@return a new text message as a writer, as {@code FrameSocket.sendWriter()} documents} */
    public Writer sendWriter() throws IOException {
        return TextSendWriter.open(sender);
    }

    /** {@return the reads of this connection} */
    public InboundReader<F, M> reader() {
        return reader;
    }

    /** {@return the connection's lifecycle state, which every flow shares} */
    public ConnectionState state() {
        return state;
    }

    /** {@return the receive queue: for the white-box tests of the receive flow, which watch its demand} */
    public ReceiveQueue queue() {
        return queue;
    }

    /** {@return the Pings waiting for their Pongs: for the white-box tests of the receive flow} */
    public PingTracker pings() {
        return pings;
    }

    /** {@return the URI, without user-info} */
    public URI uri() {
        return uri;
    }

    /** {@return the connection's log tag, {@code fw-} and eight hex digits} */
    public String tag() {
        return log.tag();
    }

    /** {@return the subprotocol the server chose, or the empty string} */
    public String subprotocol() {
        return webSocket.getSubprotocol();
    }

    /** {@return whether neither side has closed and the connection has not failed} */
    public boolean isOpen() {
        return state.isOpen();
    }

    /** {@return the peer's close status (1006 without one), once the connection has ended} */
    public Optional<CloseStatus> closeStatus() {
        return state.closeStatus();
    }

    /**
     * Measures one Ping's round trip, as {@code FrameSocket.ping} documents: one deadline covers
     * the wait to send the Ping and the wait for its Pong.
     *
     * @param timeout a positive duration (checked by the caller)
     */
    public Duration ping(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + Checks.toNanosSaturated(timeout);
        PingTracker.Pending ping = pings.register();
        try {
            long start = System.nanoTime();
            if (!sender.sendPingWithin(ping.payload(), Math.max(0, deadline - start))) {
                throw new ReadTimeoutException("The Ping could not even be written within " + Durations.format(timeout)
                        + " (is the peer reading?)", timeout);
            }
            long arrived = ping.pong().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            long roundTrip = arrived - start;
            lastRoundTripNanos = roundTrip;
            events.roundTrip(roundTrip, false);
            return Duration.ofNanos(roundTrip);
        } catch (TimeoutException e) {
            throw new ReadTimeoutException("No Pong arrived within " + Durations.format(timeout), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException(
                    "Interrupted while waiting for a Pong (the Ping was sent)");
            interrupted.bytesTransferred = ping.payload().remaining(); // the Ping went out whole
            throw interrupted;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConnectionClosedException closed) {
                // A fresh exception, so that its stack is this caller's.
                throw new ConnectionClosedException(closed.closeStatus(), closed.getMessage(), closed.getCause(),
                        closed.initiatedLocally());
            }
            throw new WebSocketException("Ping failed: " + e.getCause(), e.getCause());
        } finally {
            pings.forget(ping);
        }
    }

    /**
     * Runs the closing handshake with {@code status} (checked by the caller), as the diagram at
     * the top shows: {@link #beginClose}, then the wait for the end, bounded by the close timeout.
     * Never throws; an interrupt aborts at once and is kept.
     */
    public void close(CloseStatus status) {
        if (!beginClose(status)) {
            return; // close() has run, or is running on another thread
        }
        // What ends the connection if the peer's Close does not: the timeout, unless the wait for
        // it is interrupted first (then the abort says so, not that the peer failed to answer).
        Ending abandoned = Ending.closeTimedOut(closeTimeout);
        try {
            state.ended().get(Checks.toNanosSaturated(closeTimeout), TimeUnit.NANOSECONDS);
            abandoned = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandoned = Ending.closeInterrupted();
        } catch (TimeoutException | ExecutionException e) {
            // The peer did not answer in time: abort below.
        } finally {
            if (abandoned != null) {
                abort(abandoned);
            }
            state.advance(Phase.CLOSING, Phase.CLOSED);
            reader.dropHeldParts();
        }
    }

    /**
     * The steps of {@link #close} before its wait: the phase moves to {@code CLOSING} (one
     * winner), unread parts are discarded, and the Close is handed to the JDK without waiting for
     * the write, so that a peer that stopped reading cannot make {@code close()} outwait its close
     * timeout. The jcstress test {@code CloseWhileReceivingStress} races exactly these steps
     * against arriving frames. Never blocks.
     *
     * @return {@code false} if {@code close} has run or is running on another thread
     */
    public boolean beginClose(CloseStatus status) {
        if (state.advance(Phase.OPEN, Phase.CLOSING) == null) {
            return false;
        }
        queue.discardAll();
        try {
            sender.startClose(status);
        } catch (IOException closingAlready) {
            // A Close went out before, or the connection ended: only the wait is left.
        }
        return true;
    }

    /** Aborts at the user's request ({@code FrameSocket.abort()}). */
    public void abort() {
        abort(Ending.localAbort("This side aborted the connection", null));
    }

    /**
     * Ends the connection at once, without a closing handshake: the JDK closes TCP, and waiting
     * readers, senders and pings learn {@code how}. Once the connection has ended, only the JDK's
     * abort is repeated (harmless). Never blocks.
     */
    public void abort(Ending how) {
        listener.finish(how);
        webSocket.abort();
    }

    /**
     * Refuses all data from now on (what arrives is dropped, what is queued is discarded) and
     * sends the connection's Close with {@code status} unless one went out already; the peer's
     * answering Close still arrives. For a message too large to read. Never blocks.
     */
    public void refuseData(CloseStatus status) {
        state.advance(Phase.OPEN, Phase.DRAINING);
        queue.discardAll();
        try {
            sender.startClose(status);
        } catch (IOException alreadyClosing) {
            // A Close went out already, or the connection ended: data is refused either way.
        }
    }
}
