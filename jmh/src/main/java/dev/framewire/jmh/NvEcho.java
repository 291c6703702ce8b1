package dev.framewire.jmh;

import com.neovisionaries.ws.client.WebSocket;
import com.neovisionaries.ws.client.WebSocketAdapter;
import com.neovisionaries.ws.client.WebSocketFactory;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * nv-websocket-client: a reading thread calls the listener, {@code sendText} queues the frame for
 * a writing thread. TCP_NODELAY on, as for every client here.
 */
final class NvEcho extends WebSocketAdapter implements EchoClient {

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private WebSocket socket;

    static NvEcho open(URI uri) throws Exception {
        return open(newFactory(), uri);
    }

    static WebSocketFactory newFactory() {
        return new WebSocketFactory().setConnectionTimeout(10_000);
    }

    static NvEcho open(WebSocketFactory factory, URI uri) throws Exception {
        NvEcho echo = new NvEcho();
        WebSocket ws = factory.createSocket(uri);
        ws.addListener(echo);
        echo.socket = ws.connect();
        echo.socket.getSocket().setTcpNoDelay(true);
        return echo;
    }

    @Override
    public void onTextMessage(WebSocket websocket, String text) {
        received.add(text);
    }

    @Override
    public void send(String message) {
        socket.sendText(message);
    }

    @Override
    public Object receive() throws Exception {
        return received.take();
    }

    @Override
    public void close() {
        socket.disconnect();
    }
}
