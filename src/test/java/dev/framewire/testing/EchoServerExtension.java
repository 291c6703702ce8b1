package dev.framewire.testing;

import java.net.URI;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Hands a test class one {@link JettyEchoServer}, started before its first test and stopped after
 * its last:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EchoServerExtension server = new EchoServerExtension();
 * ... FrameSocket.connect(server.uri()) ...
 * }</pre>
 */
public final class EchoServerExtension implements BeforeAllCallback, AfterAllCallback {

    private JettyEchoServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = JettyEchoServer.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
    }

    /** The running server. */
    public JettyEchoServer server() {
        return server;
    }

    /** The server's endpoint, see {@link JettyEchoServer#uri()}. */
    public URI uri() {
        return server.uri();
    }

    /** See {@link JettyEchoServer#lastRequestHeader(String)}. */
    public String lastRequestHeader(String name) {
        return server.lastRequestHeader(name);
    }

    /** See {@link JettyEchoServer#connectionsOpened()}. */
    public int connectionsOpened() {
        return server.connectionsOpened();
    }
}
