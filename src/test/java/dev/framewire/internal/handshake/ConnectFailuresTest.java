package dev.framewire.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.HandshakeException;
import dev.framewire.WebSocketException;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.Test;

/**
 * The words a failed opening handshake is reported in, for each kind of failure the JDK reports,
 * with and without a proxy. The end-to-end tests (TLS, proxies, refused ports) show these are the
 * exceptions the JDK really throws; this test pins every branch without a server, so a changed
 * condition cannot hide behind a message that still reads well.
 */
class ConnectFailuresTest {

    private static final URI WS = URI.create("ws://h.example/x");
    private static final URI WSS = URI.create("wss://h.example/x");
    private static final Duration THREE_SECONDS = Duration.ofSeconds(3);
    /** No proxy, whatever the JVM's default selector says. */
    private static final HttpClient DIRECT = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
    private static final HttpClient PROXIED = HttpClient.newBuilder()
            .proxy(ProxySelector.of(InetSocketAddress.createUnresolved("proxy.example", 3128))).build();
    private static final String PROXY = "proxy.example:3128";

    private static String message(HttpClient client, URI uri, Throwable failure) {
        IOException translated = ConnectFailures.translate(client, uri, THREE_SECONDS, failure);
        assertInstanceOf(WebSocketException.class, translated);
        assertTrue(inChain(translated.getCause(), failure), "the cause is the JDK's exception or one inside it");
        return translated.getMessage();
    }

    private static boolean inChain(Throwable wanted, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t == wanted) {
                return true;
            }
        }
        return false;
    }

    @Test
    void anIllegalArgumentIsRethrownAsOneWithTheSameMessage() {
        IllegalArgumentException jdk = new IllegalArgumentException("invalid header name: \"a b\"");
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> ConnectFailures.translate(DIRECT, WS, THREE_SECONDS, new CompletionException(jdk)));
        assertEquals(jdk.getMessage(), thrown.getMessage());
        assertSame(jdk, thrown.getCause());
    }

    @Test
    void aProxys407IsTheProxysRefusalAndAServers407IsTheServers() {
        WebSocketHandshakeException refused = new WebSocketHandshakeException(new Response(407,
                Map.of("Proxy-Authenticate", List.of("Negotiate"))));
        HandshakeException viaProxy = (HandshakeException) ConnectFailures.translate(PROXIED, WS, THREE_SECONDS, refused);
        assertEquals(407, viaProxy.statusCode());
        assertEquals(List.of("Negotiate"), viaProxy.headers().allValues("Proxy-Authenticate"));
        assertTrue(viaProxy.getMessage().startsWith("The proxy " + PROXY + " refused to open a tunnel to " + WS),
                viaProxy.getMessage());
        assertSame(refused, viaProxy.getCause());

        HandshakeException direct = (HandshakeException) ConnectFailures.translate(DIRECT, WS, THREE_SECONDS, refused);
        assertEquals(407, direct.statusCode());
        assertTrue(direct.getMessage().startsWith("The server refused the WebSocket upgrade of " + WS + ": HTTP 407"),
                direct.getMessage());
    }

    @Test
    void aConnectTimeoutNamesTheHostOrTheProxy() {
        HttpConnectTimeoutException timeout = new HttpConnectTimeoutException("HTTP connect timed out");
        assertEquals("Could not connect to h.example:80 (" + WS + ") within 3 s (the connect timeout): is the host"
                + " reachable, or does a firewall drop the packets?", message(DIRECT, WS, timeout));
        String proxied = message(PROXIED, WS, timeout);
        assertTrue(proxied.startsWith("Opening " + WS + " through the proxy " + PROXY + " did not complete within 3 s"),
                proxied);
        assertTrue(proxied.endsWith("the proxy could not be reached, or did not answer CONNECT in time"), proxied);
    }

    @Test
    void aTimeoutAfterConnectingSaysTheServerAcceptedButDidNotAnswer() {
        HttpTimeoutException timeout = new HttpTimeoutException("request timed out");
        assertEquals("Opening " + WS + " did not complete within 3 s (the connect timeout covers the TCP connect,"
                + " TLS and the upgrade together): the server accepted the connection but did not answer in time",
                message(DIRECT, WS, timeout));
        assertEquals("Opening " + WS + " through the proxy " + PROXY + " did not complete within 3 s (the connect"
                + " timeout covers the TCP connect, the proxy's CONNECT tunnel, TLS and the upgrade together): the"
                + " proxy or the server accepted the connection but did not answer in time",
                message(PROXIED, WS, timeout));
    }

    @Test
    void aRejectingExecutorIsNamedWhereverTheRejectionSits() {
        Executor executor = new Named("the-callers-executor");
        HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).executor(executor).build();
        RejectedExecutionException rejected = new RejectedExecutionException("queue full");
        String expected = "Could not open " + WS + ": the HttpClient's executor the-callers-executor rejected a task"
                + " (queue full). java.net.http runs its work on that executor, and a task rejected on its selector"
                + " thread stops the whole client, with every connection on it (JDK-8277969). Give the HttpClient an"
                + " executor that accepts every task (not shut down, not a bounded pool that rejects when busy), and a"
                + " new HttpClient in place of one that failed this way; see docs/jdk-defects.md";
        assertEquals(expected, message(client, WS, new CompletionException(rejected)));
        // A client that already failed: the JDK's "selector manager closed" carries the rejection.
        assertEquals(expected, message(client, WS, new IOException("selector manager closed", rejected)));
        String proxied = message(PROXIED, WS, rejected);
        assertTrue(proxied.startsWith("Could not open " + WS + " through the proxy " + PROXY + ": the HttpClient's"
                + " executor (the JDK's default executor) rejected a task"), proxied);
    }

    @Test
    void aHandshakeTheJdkNeverReportedAsksTheExecutor() {
        TimeoutException timeout = new TimeoutException();
        Executor rejecting = new Named("rejecting") {
            @Override
            public void execute(Runnable task) {
                throw new RejectedExecutionException("no more");
            }
        };
        HttpClient stalled = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).executor(rejecting).build();
        WebSocketException named = ConnectFailures.stalled(stalled, WS, THREE_SECONDS, timeout);
        assertTrue(named.getMessage().startsWith("Could not open " + WS + ": the HttpClient's executor rejecting"
                + " rejected a task (no more)"), named.getMessage());
        assertInstanceOf(RejectedExecutionException.class, named.getCause());
        assertEquals(List.of(timeout), List.of(named.getSuppressed()));

        // An executor that takes tasks: the plain timeout, with or without a proxy.
        WebSocketException plain = ConnectFailures.stalled(DIRECT, WS, THREE_SECONDS, timeout);
        assertEquals(ConnectFailures.timedOut(WS, "", false, THREE_SECONDS, timeout).getMessage(), plain.getMessage());
        assertSame(timeout, plain.getCause());
        assertTrue(ConnectFailures.stalled(PROXIED, WS, THREE_SECONDS, timeout).getMessage()
                .startsWith("Opening " + WS + " through the proxy " + PROXY + " did not complete"));
    }

    @Test
    void anExecutorRejectsWhenShutDownOrWhenItThrows() {
        ExecutorService shutDown = Executors.newSingleThreadExecutor();
        shutDown.shutdown();
        assertEquals(Optional.of(shutDown + " is shut down"),
                ConnectFailures.rejects(shutDown).map(RejectedExecutionException::getMessage));
        assertEquals(Optional.empty(), ConnectFailures.rejects(Runnable::run));
        RejectedExecutionException no = new RejectedExecutionException("no");
        assertEquals(Optional.of(no), ConnectFailures.rejects(task -> {
            throw no;
        }));
    }

    /** An executor whose {@code toString} is its name; it runs tasks on the calling thread. */
    private static class Named implements Executor {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @Test
    void aCertificateForAnotherHostSaysSoAndNamesTheHost() {
        for (String detail : new String[] {"No subject alternative DNS name matching h.example found.",
                "No name matching h.example found"}) {
            SSLHandshakeException tls = new SSLHandshakeException("(certificate_unknown) " + detail);
            tls.initCause(new CertificateException(detail));
            String m = message(DIRECT, WSS, new IOException("wrapped", tls));
            assertTrue(m.startsWith("TLS handshake with " + WSS + " failed: the server's certificate is not for the"
                    + " host \"h.example\" (" + detail + ")"), m);
            assertTrue(m.endsWith(ConnectFailures.TLS_RECIPES), m);
        }
    }

    @Test
    void anUntrustedCertificateSaysHowToTrustIt() {
        for (String detail : new String[] {"PKIX path building failed", "unable to find valid certification path",
                "No trusted certificate found: no trust anchor"}) {
            String m = message(DIRECT, WSS, new SSLHandshakeException(detail));
            assertTrue(m.startsWith("TLS handshake with " + WSS + " failed: the server's certificate is not trusted ("
                    + detail + "); trust its CA"), m);
        }
        // A certificate exception without a message: the TLS exception's own words are judged.
        SSLHandshakeException tls = new SSLHandshakeException("PKIX path validation failed");
        tls.initCause(new CertificateException((String) null));
        assertTrue(message(DIRECT, WSS, tls).contains("is not trusted (PKIX path validation failed)"));
    }

    @Test
    void plainHttpOnATlsPortIsToldApartFromAFailedHandshake() {
        String notTls = "Unsupported or unrecognized SSL message";
        assertEquals("TLS handshake with " + WSS + " failed: h.example:443 did not answer in TLS (" + notTls + ");"
                + " if that port speaks plain HTTP, connect with ws:// instead of wss://",
                message(DIRECT, WSS, new SSLException(notTls)));
        // The same words inside a handshake failure are the JDK's, passed on as they are.
        assertEquals("TLS handshake with " + WSS + " failed: " + notTls,
                message(DIRECT, WSS, new SSLHandshakeException(notTls)));
        assertEquals("TLS handshake with " + WSS + " through the proxy " + PROXY + " failed: Received fatal alert",
                message(PROXIED, WSS, new SSLException("Received fatal alert")));
        assertEquals("TLS handshake with " + WSS + " failed: null", message(DIRECT, WSS, new SSLException((String) null)));
    }

    @Test
    void aNameThatDoesNotResolveNamesTheHostOrTheProxy() {
        ConnectException unknown = new ConnectException("unresolved");
        unknown.initCause(new UnknownHostException("h.example"));
        assertEquals("Unknown host \"h.example\" in " + WS + ": the name does not resolve (a typo, or no DNS entry)",
                message(DIRECT, WS, unknown));
        assertEquals("Unknown host \"" + PROXY + "\" (the proxy for " + WS + "): the name does not resolve (a typo,"
                + " or no DNS entry)", message(PROXIED, WS, unknown));
        ConnectException unresolved = new ConnectException();
        unresolved.initCause(new UnresolvedAddressException());
        assertTrue(message(DIRECT, WS, unresolved).startsWith("Unknown host \"h.example\""));
    }

    @Test
    void aRefusedConnectionNamesThePortOrTheProxy() {
        ConnectException refused = new ConnectException("Connection refused");
        assertEquals("Connection refused by h.example:80 (" + WS + "): nothing listens on that port, or a firewall"
                + " rejects it", message(DIRECT, WS, new CompletionException(refused)));
        assertEquals("The proxy " + PROXY + " refused the connection (for " + WS + "): nothing listens on that port",
                message(PROXIED, WS, new IOException("wrapped", refused)));
    }

    @Test
    void aTunnelTheProxyWouldNotOpenGivesItsStatus() {
        IOException tunnel = new IOException("Tunnel failed, got: 403");
        assertEquals("The proxy " + PROXY + " could not open a tunnel to h.example:443 (for " + WSS + "): it answered"
                + " CONNECT with HTTP 403", message(PROXIED, WSS, tunnel));
        assertEquals("Could not open " + WSS + ": " + tunnel, message(DIRECT, WSS, tunnel),
                "without a proxy the words are not the proxy's");
    }

    @Test
    void credentialsRefusedUntilTheJdkGivesUpSayWhoRefusedAndWhatToCheck() {
        // What java.net.http throws once its retries of the Authenticator ran out (squid with a wrong password).
        IOException gaveUp = new IOException("too many authentication attempts. Limit: 3");
        String every = " every time: java.net.http asked it again after each refusal, up to its retry limit"
                + " (jdk.httpclient.auth.retrylimit), and gave up (\"too many authentication attempts. Limit: 3\")."
                + " Check the user name and password it returns";
        assertEquals("The proxy " + PROXY + " (or the server behind it) refused the credentials that the HttpClient's"
                + " Authenticator gave for " + WSS + every + " for the proxy (getRequestorType() == RequestorType.PROXY)",
                message(PROXIED, WSS, gaveUp));
        assertEquals("The server refused the credentials that the HttpClient's Authenticator gave for " + WS + every,
                message(DIRECT, WS, gaveUp));
    }

    @Test
    void aPeerThatClosesWithoutAnswerOnWsMayBeATlsPort() {
        for (Throwable closed : new Throwable[] {new EOFException(),
                new IOException("outer", new IOException("HTTP/1.1 header parser received no bytes")),
                new IOException("EOF reached while reading"), new IOException("Connection reset")}) {
            assertEquals("h.example:80 closed the connection without an HTTP answer to the upgrade request of " + WS
                    + "; if that port speaks TLS, connect with wss:// instead of ws://", message(DIRECT, WS, closed));
        }
        URI upper = URI.create("WS://h.example:8080/x");
        assertTrue(message(DIRECT, upper, new EOFException()).startsWith("h.example:8080 closed the connection"));
        assertEquals("Could not open " + WSS + ": " + new EOFException(), message(DIRECT, WSS, new EOFException()),
                "on wss:// the hint would be wrong");
        assertEquals("Could not open " + WS + ": java.io.IOException", message(DIRECT, WS, new IOException()),
                "a failure without words is not taken for a closed connection");
        IOException other = new IOException("outer", new IOException("Broken pipe"));
        assertEquals("Could not open " + WS + ": " + other, message(DIRECT, WS, other),
                "nor is one whose words are about something else");
    }

    @Test
    void theProxyIsTheOneTheSelectorGivesForTheHttpFormOfTheUri() {
        // The JDK asks the selector about https:// for wss:// and http:// for ws://; so does framewire.
        HttpClient tlsOnly = HttpClient.newBuilder().proxy(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return "https".equals(uri.getScheme())
                        ? List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("tls-proxy.example", 8443)))
                        : List.of(Proxy.NO_PROXY);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException failure) {
            }
        }).build();
        HttpTimeoutException timeout = new HttpTimeoutException("request timed out");
        assertTrue(message(tlsOnly, WSS, timeout).contains(" through the proxy tls-proxy.example:8443 "));
        assertTrue(message(tlsOnly, WS, timeout).startsWith("Opening " + WS + " did not complete"));
    }

    @Test
    void hostAndPortFillsInTheSchemesDefaultPort() {
        assertEquals("h.example:80", ConnectFailures.hostAndPort(WS));
        assertEquals("h.example:443", ConnectFailures.hostAndPort(WSS));
        assertEquals("h.example:443", ConnectFailures.hostAndPort(URI.create("WSS://h.example/")));
        assertEquals("h.example:9", ConnectFailures.hostAndPort(URI.create("wss://h.example:9/")));
    }

    /** Just enough of an HTTP response for {@link WebSocketHandshakeException}. */
    private record Response(int statusCode, Map<String, List<String>> headerMap) implements HttpResponse<Object> {
        @Override
        public HttpRequest request() {
            return HttpRequest.newBuilder(URI.create("http://h.example/x")).build();
        }

        @Override
        public Optional<HttpResponse<Object>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return HttpHeaders.of(headerMap, (name, value) -> true);
        }

        @Override
        public Object body() {
            return null;
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public URI uri() {
            return request().uri();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
