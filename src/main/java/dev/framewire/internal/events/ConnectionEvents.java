package dev.framewire.internal.events;

import java.net.URI;

/**
 * The JDK Flight Recorder events of one connection, each carrying the connection's log tag and
 * URI, so that a recording's events and the log's lines of one connection can be matched. Made
 * once per connection by its {@code Connection}, handed to the flows that emit events.
 *
 * <p>Every method returns at once when no recording asks for its event, and when the runtime
 * has no {@code jdk.jfr} ({@link Jfr#AVAILABLE}). None is called per frame: a round trip, a send
 * that had to wait, a keepalive timeout, a message too large, the connect and the end. Immutable
 * and thread-safe; nothing in it is shared with another connection.
 */
public final class ConnectionEvents {

    private final String connection;
    private final String uri;

    /**
     * Creates the events of one connection.
     *
     * @param tag the connection's log tag
     * @param uri its URI, without user-info
     */
    public ConnectionEvents(String tag, URI uri) {
        this.connection = tag;
        this.uri = uri.toString();
    }

    /** {@return a {@code Connect} event begun now}, or {@code null} when no recording asks for it */
    public Object connectBegins() {
        return Jfr.AVAILABLE ? Recorded.connectBegins() : null;
    }

    /**
     * Ends and commits the {@code Connect} event {@code span} (nothing if it is {@code null}).
     *
     * @param proxy   {@code host:port}, or empty
     * @param outcome {@code connected}, {@code refused}, {@code interrupted} or {@code failed}
     * @param failure the exception's message; empty when connected
     */
    public void connectEnds(Object span, String proxy, String outcome, String failure) {
        if (span != null) {
            Recorded.connectEnds(span, connection, uri, proxy, outcome, failure);
        }
    }

    /** Records the end of the connection, {@code lifetimeNanos} after it opened. */
    public void connectionEnd(boolean local, int code, String reason, long lifetimeNanos, String message) {
        if (Jfr.AVAILABLE) {
            Recorded.connectionEnd(connection, uri, local, code, reason, lifetimeNanos, message);
        }
    }

    /** Records the round trip of one of framewire's Pings. */
    public void roundTrip(long nanos, boolean keepAlive) {
        if (Jfr.AVAILABLE) {
            Recorded.roundTrip(connection, uri, nanos, keepAlive);
        }
    }

    /** {@return a {@code SendWait} event begun now, as a send starts to wait}, or {@code null} when none is recorded */
    public Object sendWaitBegins() {
        return Jfr.AVAILABLE ? Recorded.sendWaitBegins() : null;
    }

    /**
     * Ends the {@code SendWait} event {@code span} (nothing if {@code null}) and commits it if the
     * wait was longer than the event's threshold.
     *
     * @param frame     what was being sent
     * @param length    its payload length (chars for text)
     * @param waitedFor {@code slot}, {@code turn} or {@code write}
     */
    public void sendWaitEnds(Object span, String frame, long length, String waitedFor) {
        if (span != null) {
            Recorded.sendWaitEnds(span, connection, uri, frame, length, waitedFor);
        }
    }

    /** Records that the keepalive aborted the connection. */
    public void keepAliveTimeout(long intervalNanos, long timeoutNanos) {
        if (Jfr.AVAILABLE) {
            Recorded.keepAliveTimeout(connection, uri, intervalNanos, timeoutNanos);
        }
    }

    /** Records that {@code readMessage} refused a message of at least {@code size} bytes. */
    public void messageTooLarge(long limit, long size) {
        if (Jfr.AVAILABLE) {
            Recorded.messageTooLarge(connection, uri, limit, size);
        }
    }
}
