package dev.framewire.internal.handshake;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Optional;

/**
 * Which HTTP proxy the JDK tunnels a WebSocket through, found the way the JDK finds it: the
 * client's {@link ProxySelector}, or the JVM's default one when the client has none, asked about
 * the {@code http://} or {@code https://} form of the URI. Only for messages: asking a
 * selector again has no effect on the connection.
 */
public final class ProxyRoute {

    private ProxyRoute() {
    }

    /** {@return the proxy the JDK used for {@code uri}, if any; {@code "host:port"}} */
    public static Optional<String> of(HttpClient client, URI uri) {
        try {
            ProxySelector selector = client.proxy().orElseGet(ProxySelector::getDefault);
            if (selector == null) {
                return Optional.empty();
            }
            String scheme = "wss".equalsIgnoreCase(uri.getScheme()) ? "https" : "http";
            URI asHttp = new URI(scheme, null, uri.getHost(), uri.getPort(), "/", null, null);
            List<Proxy> proxies = selector.select(asHttp);
            if (proxies == null || proxies.isEmpty() || proxies.get(0).type() != Proxy.Type.HTTP
                    || !(proxies.get(0).address() instanceof InetSocketAddress address)) {
                return Optional.empty();
            }
            return Optional.of(address.getHostString() + ":" + address.getPort());
        } catch (Exception e) {
            // A selector of the caller's that fails now must not hide the failure being reported.
            return Optional.empty();
        }
    }
}
