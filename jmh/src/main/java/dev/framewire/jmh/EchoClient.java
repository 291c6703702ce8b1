package dev.framewire.jmh;

import com.neovisionaries.ws.client.WebSocketFactory;

import java.net.URI;
import java.net.http.HttpClient;

import okhttp3.OkHttpClient;

import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.glassfish.tyrus.client.ClientManager;

/**
 * One open connection of one client library to the echo server, reduced to the two steps every
 * benchmark needs: send a text message, and wait for the next whole message to come back.
 *
 * <p>Each implementation is written the way a careful user of that library would write it:
 * blocking where the library blocks, and where it calls back on threads of its own, a
 * {@link java.util.concurrent.BlockingQueue} between its callback and the waiting thread.
 * Implementations are used by one thread at a time.
 */
public interface EchoClient extends AutoCloseable {

    /** Sends one whole text message (for asynchronous libraries: hands it over for sending). */
    void send(String message) throws Exception;

    /** Blocks until the next whole message has been received, and returns it (or its last part). */
    Object receive() throws Exception;

    /** Closes the connection, quietly. */
    @Override
    void close();

    /** The clients under test, by the name their benchmarks carry. */
    enum Kind {
        /** framewire's defaults: {@code FrameSocket.connect(uri)}, {@code sendText}, {@code readMessage}. */
        FRAMEWIRE_READ_MESSAGE,
        /** framewire's defaults, reading with {@code readFrame} until the final part. */
        FRAMEWIRE_READ_FRAME,
        /** java.net.http with the default executor, a listener that hands messages over through a queue. */
        RAW_JDK_QUEUE,
        /** The same, on an {@code HttpClient} whose executor runs tasks on the calling thread. */
        RAW_JDK_DIRECT,
        /** com.neovisionaries:nv-websocket-client. */
        NV_WEBSOCKET,
        /** org.java-websocket:Java-WebSocket. */
        JAVA_WEBSOCKET,
        /** com.squareup.okhttp3:okhttp-jvm. */
        OKHTTP,
        /** Jetty 12's WebSocket client. */
        JETTY,
        /** Eclipse Tyrus standalone client, the Jakarta WebSocket reference implementation. */
        TYRUS,
        /** A blocking socket that writes and reads RFC 6455 frames by hand: the floor. */
        RAW_SOCKET;

        /** Opens a connection of this kind to {@code uri}, blocking until it is open. */
        public EchoClient open(URI uri) throws Exception {
            return switch (this) {
                case FRAMEWIRE_READ_MESSAGE -> FramewireEcho.open(uri, false);
                case FRAMEWIRE_READ_FRAME -> FramewireEcho.open(uri, true);
                case RAW_JDK_QUEUE -> JdkEcho.open(uri, false);
                case RAW_JDK_DIRECT -> JdkEcho.open(uri, true);
                case NV_WEBSOCKET -> NvEcho.open(uri);
                case JAVA_WEBSOCKET -> JavaWebSocketEcho.open(uri);
                case OKHTTP -> OkHttpEcho.open(uri);
                case JETTY -> JettyClientEcho.open(uri);
                case TYRUS -> TyrusEcho.open(uri);
                case RAW_SOCKET -> RawSocketEcho.open(uri);
            };
        }

        /**
         * {@return a dialer that opens connections of this kind on one warm client}: whatever the
         * library lets connections share (an {@code HttpClient}, a factory, a started client) is
         * made once here, as a user with many connections would, so that opening a connection
         * costs only the connection.
         */
        public Dialer dialer() throws Exception {
            return switch (this) {
                case FRAMEWIRE_READ_MESSAGE -> uri -> FramewireEcho.open(uri, false);
                case FRAMEWIRE_READ_FRAME -> uri -> FramewireEcho.open(uri, true);
                case RAW_JDK_QUEUE, RAW_JDK_DIRECT -> {
                    HttpClient client = JdkEcho.newClient(this == RAW_JDK_DIRECT);
                    yield uri -> JdkEcho.open(client, uri);
                }
                case NV_WEBSOCKET -> {
                    WebSocketFactory factory = NvEcho.newFactory();
                    yield uri -> NvEcho.open(factory, uri);
                }
                case JAVA_WEBSOCKET -> JavaWebSocketEcho::open; // a client object per connection is its API
                case OKHTTP -> {
                    OkHttpClient client = OkHttpEcho.newClientForMany();
                    yield uri -> OkHttpEcho.open(client, uri);
                }
                case JETTY -> {
                    WebSocketClient client = JettyClientEcho.startClient();
                    yield new Dialer() {
                        @Override
                        public EchoClient dial(URI uri) throws Exception {
                            return JettyClientEcho.open(client, false, uri);
                        }

                        @Override
                        public void close() throws Exception {
                            client.stop();
                        }
                    };
                }
                case TYRUS -> {
                    ClientManager client = ClientManager.createClient();
                    yield new Dialer() {
                        @Override
                        public EchoClient dial(URI uri) throws Exception {
                            return TyrusEcho.open(client, uri);
                        }

                        @Override
                        public void close() {
                            client.shutdown();
                        }
                    };
                }
                case RAW_SOCKET -> RawSocketEcho::open;
            };
        }
    }

    /** Opens connections of one kind, holding what that library shares between them. */
    @FunctionalInterface
    interface Dialer extends AutoCloseable {
        /** Opens a connection to {@code uri}, blocking until it is open. */
        EchoClient dial(URI uri) throws Exception;

        /** Stops what the connections shared; they must be closed first. */
        @Override
        default void close() throws Exception {
        }
    }
}
