package dev.framewire.internal.connection;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a connection is opened with, as one immutable value: what {@code FrameSocket.Builder}
 * collected, checked by its setters, frozen by {@code connect} and {@code reconnector}.
 *
 * <p>Why a record: the builder makes it with the canonical constructor, so a setting added here
 * and forgotten there does not compile, where a hand-written copy of fields would silently drop
 * it (the {@code Reconnector} would then open connections without it).
 *
 * @param headers           extra headers of the upgrade request, in the order given
 * @param subprotocols      the subprotocols to offer, most preferred first
 * @param connectTimeout    TCP connect, TLS and the opening handshake together
 * @param readTimeout       the default wait of a read, or {@code null} for none
 * @param sendTimeout       how long one send may take, or {@code null} for no limit
 * @param closeTimeout      how long {@code close()} waits for the peer's Close
 * @param pongAutoConsume   drop received Pongs
 * @param deliverPings      deliver received Pings to {@code readFrame}
 * @param maxMessageSize    the largest message {@code readMessage} accepts, in bytes
 * @param maxQueuedParts    how many received parts may wait to be read
 * @param httpClient        the client that opens the connection, or {@code null} for the shared one
 * @param keepAliveInterval idle time before a keepalive Ping, or {@code null} for no keepalive
 * @param keepAliveTimeout  how long to wait for anything after that Ping
 * @param readSpin          how long an idle reader spins before it blocks; zero for never
 */
public record Settings(List<Map.Entry<String, String>> headers, List<String> subprotocols, Duration connectTimeout,
                       Duration readTimeout, Duration sendTimeout, Duration closeTimeout, boolean pongAutoConsume,
                       boolean deliverPings, int maxMessageSize, int maxQueuedParts, HttpClient httpClient,
                       Duration keepAliveInterval, Duration keepAliveTimeout, Duration readSpin) {

    /** The defaults: {@code FrameSocket.connect(uri)}'s settings, and a new builder's. */
    public static final Settings DEFAULTS = new Settings(List.of(), List.of(), Duration.ofSeconds(10), null, null,
            Duration.ofSeconds(5), true, false, 16 << 20, 64, null, null, null, Duration.ZERO);

    /** Copies the lists, so that the builder that made this value can go on changing its own. */
    public Settings {
        headers = List.copyOf(headers);
        subprotocols = List.copyOf(subprotocols);
    }

    /** {@return whether the connection is watched by a keepalive} */
    public boolean keepsAlive() {
        return keepAliveInterval != null;
    }
}
