package dev.framewire.jmh;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * OkHttp 5 (okhttp-jvm): a reader thread calls the listener, {@code send} queues the frame for
 * OkHttp's writer task. The echo server declines permessage-deflate, which OkHttp offers by default.
 */
final class OkHttpEcho extends WebSocketListener implements EchoClient {

    private static final OkHttpClient CLIENT = new OkHttpClient();

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private WebSocket socket;

    static OkHttpEcho open(URI uri) throws Exception {
        return open(CLIENT, uri);
    }

    /**
     * {@return a client for many connections}: OkHttp's reader loop of a web socket keeps its call
     * running on the dispatcher, so the default {@code maxRequests} of 64 would hold the 65th
     * connection back until another closes (square/okhttp#3801 and the Dispatcher's docs).
     */
    static OkHttpClient newClientForMany() {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(1_000_000);
        dispatcher.setMaxRequestsPerHost(1_000_000);
        return new OkHttpClient.Builder().dispatcher(dispatcher).build();
    }

    static OkHttpEcho open(OkHttpClient client, URI uri) throws Exception {
        OkHttpEcho echo = new OkHttpEcho();
        echo.socket = client.newWebSocket(new Request.Builder().url(uri.toString()).build(), echo);
        echo.opened.get(10, TimeUnit.SECONDS);
        return echo;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
        opened.complete(null);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
        opened.completeExceptionally(t);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
        received.add(text);
    }

    @Override
    public void send(String message) {
        if (!socket.send(message)) {
            throw new IllegalStateException("OkHttp refused the message: the connection is closing");
        }
    }

    @Override
    public Object receive() throws Exception {
        return received.take();
    }

    @Override
    public void close() {
        socket.close(1000, null);
    }
}
