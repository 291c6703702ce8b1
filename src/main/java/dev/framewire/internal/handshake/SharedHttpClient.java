package dev.framewire.internal.handshake;

import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The {@link HttpClient} framewire uses when the caller brings none: one for the whole JVM, made
 * on first use, like {@code HttpClient.newHttpClient()} but for its executor.
 *
 * <p>The executor, a {@link HandshakeAwareExecutor}, runs the JDK's tasks on a pool while an
 * opening handshake is in flight and on the JDK's selector thread otherwise. On the selector
 * thread the WebSocket listener gets each received part without a thread hop, and a JDK race
 * around a message followed at once by the end of TCP stays closed; that is safe only because
 * framewire's listener never blocks: it copies, enqueues, returns. During a handshake the same
 * inline execution would make the JDK lose data that arrives together with the 101 response, so
 * the pool takes over. {@link HandshakeAwareExecutor} explains both.
 *
 * <p>The executor must know when handshakes begin and end, so every handshake on this client
 * starts through {@link #startHandshake}. Clients passed in through {@code Builder.httpClient}
 * are used exactly as they are.
 */
public final class SharedHttpClient {

    private SharedHttpClient() {
    }

    /** {@return the shared client} */
    public static HttpClient get() {
        return Holder.CLIENT;
    }

    /**
     * Starts an opening handshake on {@code client}; on the shared client, with its executor in
     * pool mode until the handshake completes.
     *
     * @param start begins the handshake, for example {@code () -> builder.buildAsync(uri, listener)}
     * @return what {@code start} returned
     */
    static <T> CompletableFuture<T> startHandshake(HttpClient client, Supplier<CompletableFuture<T>> start) {
        return client == Holder.CLIENT ? Holder.EXECUTOR.duringHandshake(start) : start.get();
    }

    private static final class Holder {
        static final HandshakeAwareExecutor EXECUTOR = new HandshakeAwareExecutor();
        static final HttpClient CLIENT = HttpClient.newBuilder().executor(EXECUTOR).build();
    }
}
