package dev.framewire.internal;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The {@link HttpClient} framewire uses when the caller brings none: one for the whole JVM, made
 * on first use, like {@code HttpClient.newHttpClient()} but for its executor.
 *
 * <p>The executor, a {@link HandshakeAwareExecutor}, runs the JDK's tasks on a pool while an
 * opening handshake is in flight and on the JDK's selector thread otherwise. On the selector
 * thread the WebSocket listener gets each received part without a thread hop, and a JDK race
 * around a message followed at once by the end of TCP stays closed; that is safe only because
 * framewire's listener never blocks: it copies, enqueues, returns. During a handshake the same
 * inline execution would make the JDK lose data that arrives together with the 101 response, so
 * the pool takes over. {@link HandshakeAwareExecutor} explains both.
 *
 * <p>The executor needs to know when handshakes begin and end, so the client returned here is a
 * thin wrapper: its {@link #newWebSocketBuilder() WebSocket builders} tell the executor, and
 * everything else goes straight to the JDK's client. Clients passed in through
 * {@code Builder.httpClient} are used exactly as they are.
 */
public final class SharedHttpClient {

    private SharedHttpClient() {
    }

    /** {@return the shared client} */
    public static HttpClient get() {
        return Holder.CLIENT;
    }

    private static final class Holder {
        static final HttpClient CLIENT = newClient();

        private static HttpClient newClient() {
            HandshakeAwareExecutor executor = new HandshakeAwareExecutor();
            return new Client(HttpClient.newBuilder().executor(executor).build(), executor);
        }
    }

    /** The JDK's client, with WebSocket builders that report their handshakes to the executor. */
    private static final class Client extends HttpClient {
        private final HttpClient jdk;
        private final HandshakeAwareExecutor executor;

        Client(HttpClient jdk, HandshakeAwareExecutor executor) {
            this.jdk = jdk;
            this.executor = executor;
        }

        @Override
        public WebSocket.Builder newWebSocketBuilder() {
            return new CountingBuilder(jdk.newWebSocketBuilder(), executor);
        }

        @Override
        public Optional<CookieHandler> cookieHandler() {
            return jdk.cookieHandler();
        }

        @Override
        public Optional<Duration> connectTimeout() {
            return jdk.connectTimeout();
        }

        @Override
        public Redirect followRedirects() {
            return jdk.followRedirects();
        }

        @Override
        public Optional<ProxySelector> proxy() {
            return jdk.proxy();
        }

        @Override
        public SSLContext sslContext() {
            return jdk.sslContext();
        }

        @Override
        public SSLParameters sslParameters() {
            return jdk.sslParameters();
        }

        @Override
        public Optional<Authenticator> authenticator() {
            return jdk.authenticator();
        }

        @Override
        public Version version() {
            return jdk.version();
        }

        @Override
        public Optional<Executor> executor() {
            return jdk.executor();
        }

        @Override
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
                throws IOException, InterruptedException {
            return jdk.send(request, handler);
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                                HttpResponse.BodyHandler<T> handler) {
            return jdk.sendAsync(request, handler);
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                                HttpResponse.BodyHandler<T> handler,
                                                                HttpResponse.PushPromiseHandler<T> pushes) {
            return jdk.sendAsync(request, handler, pushes);
        }

        @Override
        public String toString() {
            return "framewire shared " + jdk;
        }
    }

    /** A JDK WebSocket builder whose {@code buildAsync} runs as a handshake for the executor. */
    private static final class CountingBuilder implements WebSocket.Builder {
        private final WebSocket.Builder jdk;
        private final HandshakeAwareExecutor executor;

        CountingBuilder(WebSocket.Builder jdk, HandshakeAwareExecutor executor) {
            this.jdk = jdk;
            this.executor = executor;
        }

        @Override
        public WebSocket.Builder header(String name, String value) {
            jdk.header(name, value);
            return this;
        }

        @Override
        public WebSocket.Builder connectTimeout(Duration timeout) {
            jdk.connectTimeout(timeout);
            return this;
        }

        @Override
        public WebSocket.Builder subprotocols(String mostPreferred, String... lesserPreferred) {
            jdk.subprotocols(mostPreferred, lesserPreferred);
            return this;
        }

        @Override
        public CompletableFuture<WebSocket> buildAsync(URI uri, WebSocket.Listener listener) {
            return executor.duringHandshake(() -> jdk.buildAsync(uri, listener));
        }
    }
}
