package dev.framewire.testing;

import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ConnectHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An HTTP {@code CONNECT} proxy on 127.0.0.1 for tests: Jetty 12's own {@link ConnectHandler},
 * optionally demanding Basic proxy authentication (407 with {@code Proxy-Authenticate} until the
 * right {@code Proxy-Authorization} arrives).
 */
public final class ConnectProxy implements AutoCloseable {

    /** The realm of the Basic challenge. */
    public static final String REALM = "framewire-proxy";

    private final Server server;
    private final ServerConnector connector;
    private final AtomicInteger tunnels = new AtomicInteger();
    private final AtomicInteger challenges = new AtomicInteger();

    private ConnectProxy(String expectedAuthorization) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("connect-proxy");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new ConnectHandler() {
            @Override
            protected boolean handleAuthentication(Request request, Response response, String address) {
                if (expectedAuthorization != null
                        && !expectedAuthorization.equals(request.getHeaders().get(HttpHeader.PROXY_AUTHORIZATION))) {
                    challenges.incrementAndGet();
                    response.getHeaders().put(HttpHeader.PROXY_AUTHENTICATE, "Basic realm=\"" + REALM + "\"");
                    return false;
                }
                tunnels.incrementAndGet();
                return true;
            }
        });
        server.start();
    }

    /** Starts a proxy that tunnels for anyone. */
    public static ConnectProxy open() throws Exception {
        return new ConnectProxy(null);
    }

    /** Starts a proxy that tunnels only with Basic credentials {@code user}:{@code password}. */
    public static ConnectProxy withBasic(String user, String password) throws Exception {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new ConnectProxy("Basic " + token);
    }

    /** {@return where the proxy listens} */
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", connector.getLocalPort());
    }

    /** {@return a selector that sends everything through this proxy} */
    public ProxySelector selector() {
        return ProxySelector.of(address());
    }

    /** {@return how many tunnels the proxy opened} */
    public int tunnels() {
        return tunnels.get();
    }

    /** {@return how many CONNECT requests it answered with 407} */
    public int challenges() {
        return challenges.get();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the proxy did not stop cleanly", e);
        }
    }
}
