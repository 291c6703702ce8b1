package dev.framewire.jmh;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Jetty 12's WebSocket client: its threads call the listener; {@code sendText} with a callback
 * returns at once. One {@link WebSocketClient} per connection, started and stopped with it, unless
 * a warm client shared by many connections is given.
 * Public, with a public listener, because Jetty calls listeners through method handles.
 */
public final class JettyClientEcho implements EchoClient {

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final WebSocketClient client;
    private final boolean ownsClient;
    private Session session;

    private JettyClientEcho(WebSocketClient client, boolean ownsClient) {
        this.client = client;
        this.ownsClient = ownsClient;
    }

    static JettyClientEcho open(URI uri) throws Exception {
        return open(startClient(), true, uri);
    }

    /** {@return a started client that accepts the echo server's largest messages} */
    static WebSocketClient startClient() throws Exception {
        WebSocketClient client = new WebSocketClient();
        client.setMaxTextMessageSize(EchoServerMain.MAX_SIZE);
        client.setMaxBinaryMessageSize(EchoServerMain.MAX_SIZE);
        client.start();
        return client;
    }

    /** Opens a connection on {@code client}; closing it stops the client only if {@code owned}. */
    static JettyClientEcho open(WebSocketClient client, boolean owned, URI uri) throws Exception {
        JettyClientEcho echo = new JettyClientEcho(client, owned);
        echo.session = client.connect(new Listener(echo.received), uri).get(10, TimeUnit.SECONDS);
        return echo;
    }

    /** Puts each text message in the queue. */
    public static final class Listener implements Session.Listener.AutoDemanding {
        private final BlockingQueue<String> received;

        Listener(BlockingQueue<String> received) {
            this.received = received;
        }

        @Override
        public void onWebSocketText(String message) {
            received.add(message);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            // A connection cut at the end of a trial; a failure during one shows as a stuck read.
        }
    }

    @Override
    public void send(String message) {
        session.sendText(message, Callback.NOOP);
    }

    @Override
    public Object receive() throws Exception {
        return received.take();
    }

    @Override
    public void close() {
        try {
            session.close();
            if (ownsClient) {
                client.stop();
            }
        } catch (Exception ignored) {
            // Closing anyway.
        }
    }
}
