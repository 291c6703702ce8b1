package dev.framewire.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link ScriptedServer} for a JUnit 5 test, started and stopped by JUnit. In a {@code static}
 * field one server serves the whole class (each test's connections are closed after it); in an
 * instance field each test gets a fresh one. After each test, a script that failed fails that test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ScriptedServerExtension server = new ScriptedServerExtension();
 *
 * @Test
 * void readsTheGreeting() throws Exception {
 *     server.enqueue(connection -> connection.sendText("hello"));
 *     // ... connect the client under test to server.uri() ...
 * }
 * }</pre>
 *
 * <p>Needs JUnit Jupiter's API, which the testkit declares optional: a test that uses this class
 * has it already.
 */
// "exports": JUnit's types in this class's signatures come from a module the testkit requires only
// statically (optional at run time), not transitively; whoever registers the extension has JUnit.
@SuppressWarnings("exports")
public final class ScriptedServerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final ScriptedServer.Builder builder;
    private ScriptedServer server;
    private boolean perClass;

    /** A server with the defaults: plain {@code ws://}, upgrades accepted, connections held unless a script is enqueued. */
    public ScriptedServerExtension() {
        this(ScriptedServer.newBuilder());
    }

    /**
     * A server started from {@code builder}: {@code new ScriptedServerExtension(ScriptedServer.newBuilder().tls())}.
     *
     * @param builder the settings of the server
     */
    public ScriptedServerExtension(ScriptedServer.Builder builder) {
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    /** Starts the class's server, when registered in a static field. */
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        server = builder.start();
        perClass = true;
    }

    /** Starts the test's server, when registered in an instance field. */
    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (server == null) {
            server = builder.start();
        }
    }

    /**
     * Fails the test if a script failed; stops a per-test server, or closes the test's connections
     * on a per-class one and forgets what the test enqueued.
     */
    @Override
    public void afterEach(ExtensionContext context) {
        if (perClass) {
            server.clearQueue();
            server.closeConnections();
        } else {
            ScriptedServer done = server;
            server = null;
            done.close();
        }
    }

    /** Stops the class's server. */
    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /**
     * {@return the running server}
     *
     * @throws IllegalStateException outside a test, before JUnit started it
     */
    public ScriptedServer server() {
        if (server == null) {
            throw new IllegalStateException("the server runs only during a test: register the extension with @RegisterExtension");
        }
        return server;
    }

    /** {@return where to connect}; see {@link ScriptedServer#uri()} */
    public URI uri() {
        return server().uri();
    }

    /**
     * {@return where to connect, with this path and query}; see {@link ScriptedServer#uri(String)}
     *
     * @param pathAndQuery the request target, such as {@code /chat?room=1}
     */
    public URI uri(String pathAndQuery) {
        return server().uri(pathAndQuery);
    }

    /** {@return an HttpClient that trusts the server}; see {@link ScriptedServer#httpClient()} */
    public HttpClient httpClient() {
        return server().httpClient();
    }

    /** {@return a TLS context that trusts the server}; see {@link ScriptedServer#sslContext()} */
    public SSLContext sslContext() {
        return server().sslContext();
    }

    /**
     * Plays {@code script} on the next connection; see {@link ScriptedServer#enqueue(Script)}.
     *
     * @param script what the server does on the connection
     */
    public void enqueue(Script script) {
        server().enqueue(script);
    }

    /**
     * Answers the next connection's handshake with {@code handshake}; see {@link ScriptedServer#enqueue(Handshake)}.
     *
     * @param handshake how to answer the opening handshake
     */
    public void enqueue(Handshake handshake) {
        server().enqueue(handshake);
    }

    /**
     * Answers with {@code handshake}, then plays {@code script}; see {@link ScriptedServer#enqueue(Handshake, Script)}.
     *
     * @param handshake how to answer the opening handshake
     * @param script what the server does on the connection
     */
    public void enqueue(Handshake handshake, Script script) {
        server().enqueue(handshake, script);
    }

    /**
     * {@return the server side of the next connection}; see {@link ScriptedServer#nextConnection(Duration)}
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public ServerConnection nextConnection() throws InterruptedException {
        return server().nextConnection();
    }

    /**
     * Waits for the scripts to return; see {@link ScriptedServer#awaitScripts(Duration)}.
     *
     * @param timeout the longest wait for all of them together
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitScripts(Duration timeout) throws InterruptedException {
        server().awaitScripts(timeout);
    }
}
