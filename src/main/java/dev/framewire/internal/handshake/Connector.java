package dev.framewire.internal.handshake;

import dev.framewire.internal.Checks;
import dev.framewire.internal.ConnectionLog;
import dev.framewire.internal.Durations;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.ref.Reference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The opening handshake: builds the JDK WebSocket, waits for it, and turns the JDK's failures
 * into framewire's exceptions.
 */
public final class Connector {

    /**
     * The JDK applies the connect timeout to the handshake itself; framewire waits this much
     * longer before giving up on its own, so a JDK that never completes the future cannot hang
     * the caller.
     */
    private static final Duration SAFETY_MARGIN = Duration.ofSeconds(5);

    private Connector() {
    }

    /**
     * Opens a WebSocket, blocking until the handshake completes or fails. {@code uri} must be
     * free of user-info (see {@link Uris}): it goes into messages and to the JDK.
     *
     * @throws dev.framewire.HandshakeException the server (or a proxy) answered, but did not upgrade
     * @throws dev.framewire.WebSocketException the connection could not be made (refused, timed out, TLS)
     * @throws InterruptedIOException the thread was interrupted while waiting
     */
    public static WebSocket open(HttpClient client, URI uri, List<Map.Entry<String, String>> headers,
                                 List<String> subprotocols, Duration connectTimeout,
                                 WebSocket.Listener listener, ConnectionLog tap) throws IOException {
        tap.debug("Connecting" + (subprotocols.isEmpty() ? "" : ", offering subprotocols " + subprotocols)
                + ", connect timeout " + Durations.format(connectTimeout));
        long start = System.nanoTime();
        try {
            WebSocket webSocket = handshake(client, uri, headers, subprotocols, connectTimeout, listener);
            tap.debug("Handshake completed in " + (System.nanoTime() - start) / 1_000_000 + " ms"
                    + (webSocket.getSubprotocol().isEmpty() ? "" : ", subprotocol " + webSocket.getSubprotocol()));
            return webSocket;
        } catch (IOException | RuntimeException e) {
            tap.debug("Handshake failed: " + e.getMessage(), e.getCause());
            throw e;
        }
    }

    private static WebSocket handshake(HttpClient client, URI uri, List<Map.Entry<String, String>> headers,
                                       List<String> subprotocols, Duration connectTimeout,
                                       WebSocket.Listener listener) throws IOException {
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(connectTimeout);
        for (Map.Entry<String, String> header : headers) {
            builder.header(header.getKey(), header.getValue());
        }
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0),
                    subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        CompletableFuture<WebSocket> opening;
        try {
            opening = SharedHttpClient.startHandshake(client, () -> builder.buildAsync(uri, listener));
        } catch (RejectedExecutionException e) {
            // HttpClientImpl.sendAsync hands the exchange's first task to the client's executor on
            // this thread (MultiExchange.responseAsync), so an executor that is shut down throws
            // here, a RuntimeException that connect must not let out raw.
            throw ConnectFailures.executorRejected(client, uri, e);
        }
        try {
            return opening.get(Checks.toNanosSaturated(connectTimeout.plus(SAFETY_MARGIN)), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            giveUp(opening);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while opening " + uri);
        } catch (TimeoutException e) {
            giveUp(opening);
            // Not the JDK's timeout (that arrives as HttpTimeoutException): the JDK never reported.
            throw ConnectFailures.stalled(client, uri, connectTimeout, e);
        } catch (ExecutionException e) {
            throw ConnectFailures.translate(client, uri, connectTimeout, e.getCause());
        } finally {
            // A client of the caller's that nobody else references must stay reachable until the
            // handshake is over: its selector thread ends once the client is unreachable and has
            // nothing pending (JDK-8288746 wakes it for that as soon as the client is collected),
            // and between the end of the HTTP exchange (HttpClientImpl.sendAsync's
            // requestUnreference) and the WebSocket's own count (RawChannelTube's constructor calls
            // HttpClientImpl.webSocketOpen) nothing is pending. After that the open WebSocket keeps
            // the selector thread alive by itself. See the registry in docs/jdk-defects.md.
            Reference.reachabilityFence(client);
        }
    }

    /** A handshake that completes after the caller gave up must not leave a connection behind. */
    private static void giveUp(CompletableFuture<WebSocket> opening) {
        opening.cancel(true);
        opening.thenAccept(WebSocket::abort);
    }
}
