package dev.framewire.jmh;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.glassfish.tyrus.client.ClientManager;

/**
 * Eclipse Tyrus, the Jakarta WebSocket reference implementation, through its standalone client
 * (the default Grizzly transport): its threads call the message handler, which puts each whole
 * text message in a queue; {@code getBasicRemote().sendText} blocks until the frame is written,
 * as the Jakarta API says. One {@link ClientManager} can serve many connections.
 */
public final class TyrusEcho extends Endpoint implements EchoClient {

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final ClientManager ownClient; // null when the client is shared
    private Session session;

    private TyrusEcho(ClientManager ownClient) {
        this.ownClient = ownClient;
    }

    /** Opens a connection on a client of its own, shut down when the connection closes. */
    static TyrusEcho open(URI uri) throws Exception {
        ClientManager client = ClientManager.createClient();
        return open(client, client, uri);
    }

    /** Opens a connection on a shared client. */
    static TyrusEcho open(ClientManager client, URI uri) throws Exception {
        return open(client, null, uri);
    }

    private static TyrusEcho open(ClientManager client, ClientManager owned, URI uri) throws Exception {
        TyrusEcho echo = new TyrusEcho(owned);
        echo.session = client.connectToServer(echo, ClientEndpointConfig.Builder.create().build(), uri);
        return echo;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.setMaxTextMessageBufferSize(EchoServerMain.MAX_SIZE);
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) received::add);
    }

    @Override
    public void send(String message) throws Exception {
        session.getBasicRemote().sendText(message);
    }

    @Override
    public Object receive() throws Exception {
        return received.take();
    }

    @Override
    public void close() {
        try {
            session.close();
            if (ownClient != null) {
                ownClient.shutdown();
            }
        } catch (Exception ignored) {
            // Closing anyway.
        }
    }
}
