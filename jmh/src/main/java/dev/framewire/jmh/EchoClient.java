package dev.framewire.jmh;

import java.net.URI;

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
                case RAW_SOCKET -> RawSocketEcho.open(uri);
            };
        }
    }
}
