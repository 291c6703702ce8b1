package dev.framewire.internal;

import dev.framewire.HandshakeException;
import dev.framewire.WebSocketException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

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
     * Opens a WebSocket, blocking until the handshake completes or fails.
     *
     * @throws HandshakeException     the server answered, but did not upgrade
     * @throws WebSocketException     the connection could not be made (refused, timed out, TLS)
     * @throws InterruptedIOException the thread was interrupted while waiting
     */
    public static WebSocket open(HttpClient client, URI uri, List<Map.Entry<String, String>> headers,
                                 List<String> subprotocols, Duration connectTimeout,
                                 WebSocket.Listener listener, WireTap tap) throws IOException {
        tap.debug("Connecting" + (subprotocols.isEmpty() ? "" : ", offering subprotocols " + subprotocols)
                + ", connect timeout " + connectTimeout);
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
        CompletableFuture<WebSocket> opening = SharedHttpClient.startHandshake(client, () -> builder.buildAsync(uri, listener));
        try {
            return opening.get(Checks.toNanosSaturated(connectTimeout.plus(SAFETY_MARGIN)), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            giveUp(opening);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while opening " + uri);
        } catch (TimeoutException e) {
            giveUp(opening);
            throw new WebSocketException("Opening " + uri + " did not complete within " + connectTimeout, e);
        } catch (ExecutionException e) {
            throw translate(uri, connectTimeout, e.getCause());
        }
    }

    /** A handshake that completes after the caller gave up must not leave a connection behind. */
    private static void giveUp(CompletableFuture<WebSocket> opening) {
        opening.cancel(true);
        opening.thenAccept(WebSocket::abort);
    }

    /** {@return the first throwable of {@code type} in {@code failure}'s chain of causes, or {@code null}} */
    static <T extends Throwable> T find(Class<T> type, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static IOException translate(URI uri, Duration connectTimeout, Throwable failure) {
        Throwable cause = Completions.unwrap(failure);
        if (cause instanceof WebSocketHandshakeException refused) {
            HttpResponse<?> response = refused.getResponse();
            return new HandshakeException(response.statusCode(), response.headers(),
                    "The server refused the WebSocket upgrade of " + uri + ": HTTP " + response.statusCode()
                            + (refused.getMessage() != null ? " (" + refused.getMessage() + ")" : ""),
                    refused);
        }
        if (cause instanceof HttpTimeoutException) {
            return new WebSocketException("Opening " + uri + " did not complete within " + connectTimeout, cause);
        }
        SSLException tls = find(SSLException.class, cause);
        if (tls != null) {
            // The JDK may wrap the TLS failure in an IOException or two; name the real failure.
            return new WebSocketException("TLS handshake with " + uri + " failed: " + tls.getMessage(), cause);
        }
        if (cause instanceof IllegalArgumentException iae) {
            throw new IllegalArgumentException(iae.getMessage(), iae);
        }
        return new WebSocketException("Could not open " + uri + ": " + cause, cause);
    }
}
