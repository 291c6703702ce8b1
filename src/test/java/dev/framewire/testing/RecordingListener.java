package dev.framewire.testing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@code java.net.http.WebSocket} listener that turns callbacks into a queue of events a test
 * can take one at a time, with a timeout.
 *
 * <p>The tests of the test servers use the JDK client rather than framewire, so that a bug in
 * framewire cannot hide a bug in the servers it is tested against. It requests one event at a time,
 * which keeps the JDK's own flow control in play and the events in the order they arrived.
 */
final class RecordingListener implements WebSocket.Listener {

    /** How long {@link #next} waits before failing the test. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Something the JDK client reported. */
    sealed interface Event permits Text, Binary, Pong, Close, Failure {
    }

    /** One part of a text message; {@code last} is the JDK's flag for the message's final part. */
    record Text(String data, boolean last) implements Event {
    }

    /** One part of a binary message. */
    record Binary(byte[] data, boolean last) implements Event {
    }

    record Pong(byte[] data) implements Event {
    }

    record Close(int code, String reason) implements Event {
    }

    record Failure(Throwable error) implements Event {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    /** Opens a JDK WebSocket to {@code uri}, recording into this listener; fails after {@link #TIMEOUT}. */
    static WebSocket connect(HttpClient client, URI uri, RecordingListener listener) throws Exception {
        return connect(client.newWebSocketBuilder(), uri, listener);
    }

    static WebSocket connect(WebSocket.Builder builder, URI uri, RecordingListener listener) throws Exception {
        return builder.buildAsync(uri, listener).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes the next event, failing the test unless one of {@code type} arrives in time. */
    <T extends Event> T next(Class<T> type) throws InterruptedException {
        Event event = events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(event, "no event from the JDK client within " + TIMEOUT);
        return assertInstanceOf(type, event, () -> "unexpected event " + event);
    }

    /** Takes binary parts until the JDK marks the last one, and joins them. */
    byte[] nextBinaryMessage() throws InterruptedException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        Binary part;
        do {
            part = next(Binary.class);
            message.writeBytes(part.data());
        } while (!part.last());
        return message.toByteArray();
    }

    /** Takes text parts until the JDK marks the last one, and joins them. */
    String nextTextMessage() throws InterruptedException {
        StringBuilder message = new StringBuilder();
        Text part;
        do {
            part = next(Text.class);
            message.append(part.data());
        } while (!part.last());
        return message.toString();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        events.add(new Text(data.toString(), last));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        // The JDK may reuse the buffer once this method returns, so copy it now.
        events.add(new Binary(bytes(data), last));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        events.add(new Pong(bytes(message)));
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        events.add(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        events.add(new Failure(error));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
