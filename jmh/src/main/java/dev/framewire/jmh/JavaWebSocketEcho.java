package dev.framewire.jmh;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/** Java-WebSocket: a reading thread per connection calls {@code onMessage}; {@code send} queues the frame. */
final class JavaWebSocketEcho implements EchoClient {

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final WebSocketClient client;

    private JavaWebSocketEcho(URI uri) {
        client = new WebSocketClient(uri) {
            @Override
            public void onOpen(ServerHandshake handshake) {
            }

            @Override
            public void onMessage(String message) {
                received.add(message);
            }

            @Override
            public void onMessage(ByteBuffer bytes) {
            }

            @Override
            public void onClose(int code, String reason, boolean remote) {
            }

            @Override
            public void onError(Exception ex) {
            }
        };
        client.setTcpNoDelay(true);
    }

    static JavaWebSocketEcho open(URI uri) throws Exception {
        JavaWebSocketEcho echo = new JavaWebSocketEcho(uri);
        if (!echo.client.connectBlocking()) {
            throw new IllegalStateException("Java-WebSocket could not connect to " + uri);
        }
        return echo;
    }

    @Override
    public void send(String message) {
        client.send(message);
    }

    @Override
    public Object receive() throws Exception {
        return received.take();
    }

    @Override
    public void close() {
        try {
            client.closeBlocking();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
