package dev.framewire.internal.handshake;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The executor of framewire's {@linkplain SharedHttpClient shared client}: it hands tasks to a
 * pool while an opening handshake of that client is in flight, and runs them on the calling
 * thread (in practice the JDK's selector thread) otherwise.
 *
 * <p>Why two modes. The JDK uses a client's executor in two phases, for different things:
 * <ul>
 * <li>During the opening handshake, {@code Http1AsyncReceiver.asyncReceive} hands every buffer the
 *     selector thread read to the executor, and what runs there parses the 101 response and
 *     completes the HTTP exchange. The exchange's future then hops to the common pool
 *     ({@code HttpClientImpl.sendAsync}), where {@code OpeningHandshake.resultFrom} takes the
 *     bytes read past the response ({@code Http1Exchange.drainLeftOverBytes}: stop the receiver,
 *     drain its queue). The selector thread meanwhile offers the receiver the rest of the same
 *     socket read ({@code Http1AsyncReceiver.Http1TubeSubscriber.onNext}, up to three 16 KiB
 *     buffers). A buffer offered after the drain is never read by anyone: a message that arrived
 *     with the 101 loses 16 KiB. Run inline, the whole response phase happens on the selector
 *     thread <em>between</em> its first and its second buffer, so the common-pool thread starts
 *     the drain while the selector thread still has buffers to offer: 10 to 26 % of such
 *     connections lost data. Run on a pool, the selector thread offers its remaining buffers
 *     while the pool thread is still parsing, and the JDK's own default rate (1 to 8 %)
 *     remains. No executor can do better: the drain runs on the common pool, and nothing tells
 *     an executor when the selector thread has offered its whole read. See
 *     docs/jdk-defects.md.</li>
 * <li>After the handshake, {@code WebSocketImpl} uses the executor only to hand received parts
 *     from the transport to the listener. Inline, that saves a thread hop per part and keeps the
 *     transport from reading on before the listener asked for more, which closes another JDK race
 *     (a last message followed at once by the end of TCP makes
 *     {@code TransportImpl.acknowledgeReception} throw {@code InternalError}). It is safe because
 *     framewire's listener never blocks.</li>
 * </ul>
 *
 * <p>The tasks themselves do not say which phase they belong to, and one client serves many
 * connections, so the executor counts the handshakes in flight ({@link #duringHandshake}) and
 * uses the pool while any is. A connection that is already open then also gets its parts through
 * the pool for that moment; that costs a thread hop and reopens the vanished-peer race for the
 * moment, nothing else: the JDK keeps the order of a connection's tasks with either executor.
 * The count belongs to this executor, which belongs to the one shared client; nothing else in
 * the JVM sees it. A handshake whose future never completed would leave the pool in use, which
 * is the JDK's default behaviour, not an error; it does not happen, since framewire always sets
 * a connect timeout and the JDK applies it to the whole opening handshake (the request timeout
 * that {@code OpeningHandshake} sets).
 *
 * <p>The pool grows on demand and lets idle threads go after {@link #KEEP_ALIVE_SECONDS}, like
 * the JDK's default executor; its threads are daemons named {@code framewire-http-N}.
 */
final class HandshakeAwareExecutor implements Executor {

    private static final long KEEP_ALIVE_SECONDS = 30;

    private final AtomicInteger handshakesInFlight = new AtomicInteger();
    private final AtomicInteger threadCount = new AtomicInteger();
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(
            0, Integer.MAX_VALUE, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(), this::newThread);

    @Override
    public void execute(Runnable task) {
        if (handshakesInFlight.get() > 0) {
            pool.execute(task);
        } else {
            task.run();
        }
    }

    /**
     * Starts an opening handshake with this executor in pool mode until it completes.
     *
     * @param start begins the handshake, for example {@code () -> builder.buildAsync(uri, listener)}
     * @return what {@code start} returned
     */
    <T> CompletableFuture<T> duringHandshake(Supplier<CompletableFuture<T>> start) {
        // Counted before the handshake begins: every task of its response phase comes later.
        handshakesInFlight.incrementAndGet();
        CompletableFuture<T> handshake;
        try {
            handshake = start.get();
        } catch (RuntimeException | Error e) {
            handshakesInFlight.decrementAndGet();
            throw e;
        }
        // Also runs when the caller cancels the future: the connection is then abandoned.
        handshake.whenComplete((result, failure) -> handshakesInFlight.decrementAndGet());
        return handshake;
    }

    private Thread newThread(Runnable task) {
        Thread thread = new Thread(task, "framewire-http-" + threadCount.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }
}
