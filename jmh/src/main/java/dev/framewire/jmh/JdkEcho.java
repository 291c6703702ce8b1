package dev.framewire.jmh;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Raw {@code java.net.http.WebSocket}, as a user would write it by hand to get blocking reads: the
 * listener joins the parts of a message, puts each whole message in a queue and asks for the next
 * part; the reader takes from the queue. With {@code direct}, the {@code HttpClient}'s executor runs
 * the listener on the JDK's selector thread instead of handing each part to a pool thread (safe
 * here because the listener never blocks). framewire's shared client is built the same way.
 */
final class JdkEcho implements EchoClient, WebSocket.Listener {

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final StringBuilder parts = new StringBuilder();
    private WebSocket webSocket;

    static JdkEcho open(URI uri, boolean direct) throws Exception {
        return open(newClient(direct), uri);
    }

    /** {@return a client with the default executor, or with one that runs tasks inline} */
    static HttpClient newClient(boolean direct) {
        return direct ? HttpClient.newBuilder().executor(Runnable::run).build() : HttpClient.newHttpClient();
    }

    static JdkEcho open(HttpClient client, URI uri) throws Exception {
        JdkEcho echo = new JdkEcho();
        echo.webSocket = client.newWebSocketBuilder().buildAsync(uri, echo).get(10, TimeUnit.SECONDS);
        return echo;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        if (last && parts.length() == 0) {
            received.add(data.toString()); // the common case, a message in one part: no builder copy
        } else {
            parts.append(data);
            if (last) {
                received.add(parts.toString());
                parts.setLength(0);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public void send(String message) throws Exception {
        webSocket.sendText(message, true).get();
    }

    @Override
    public Object receive() throws Exception {
        return received.take();
    }

    @Override
    public void close() {
        try {
            webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // Closing anyway.
        }
        webSocket.abort();
    }
}
