package dev.framewire.internal.handshake;

import dev.framewire.HandshakeException;
import dev.framewire.WebSocketException;
import dev.framewire.internal.Completions;
import dev.framewire.internal.Durations;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns the JDK's failure of an opening handshake into a framewire exception whose message names
 * the cause and, where there is one, the fix. An HTTP answer other than 101 is a
 * {@link HandshakeException} (a proxy's 407 too, told apart from the server's answers); a
 * connection that never got that far is a plain {@link WebSocketException} with the JDK's
 * exception as its cause.
 */
final class ConnectFailures {

    /** Where docs/connecting.md explains TLS trust and host names; named in TLS messages. */
    static final String TLS_RECIPES = "see \"TLS: trusting a certificate\" in docs/connecting.md";

    private ConnectFailures() {
    }

    static IOException translate(HttpClient client, URI uri, Duration connectTimeout, Throwable failure) {
        Throwable cause = Completions.unwrap(failure);
        if (cause instanceof IllegalArgumentException iae) {
            throw new IllegalArgumentException(iae.getMessage(), iae);
        }
        Optional<String> proxy = ProxyRoute.of(client, uri);
        String via = proxy.map(p -> " through the proxy " + p).orElse("");
        RejectedExecutionException rejected = Completions.find(RejectedExecutionException.class, cause);
        if (rejected != null) {
            // JDKs with the fix of JDK-8277969 (19, and 17u since its backport) fail the pending
            // handshakes with the rejection, or with IOException("selector manager closed") caused
            // by it on a client that already failed.
            return executorRejected(client, uri, rejected);
        }
        if (cause instanceof WebSocketHandshakeException refused) {
            HttpResponse<?> response = refused.getResponse();
            int status = response.statusCode();
            if (status == 407 && proxy.isPresent()) {
                return refusal(response, ProxyAuthentication.explain(proxy.get(), uri, client, response.headers()), refused);
            }
            return refusal(response, HttpRefusals.explain(uri, status, response.headers(), refused.getMessage()), refused);
        }
        if (cause instanceof HttpConnectTimeoutException && proxy.isPresent()) {
            // The JDK counts the proxy's answer to CONNECT as part of connecting.
            return new WebSocketException("Opening " + uri + via + " did not complete within "
                    + Durations.format(connectTimeout) + " (the connect timeout covers the TCP connect, the proxy's"
                    + " CONNECT tunnel, TLS and the upgrade together): the proxy could not be reached, or did not"
                    + " answer CONNECT in time", cause);
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return new WebSocketException("Could not connect to " + hostAndPort(uri) + " (" + uri + ") within "
                    + Durations.format(connectTimeout) + " (the connect timeout): is the host reachable, or does"
                    + " a firewall drop the packets?", cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return timedOut(uri, via, proxy.isPresent(), connectTimeout, cause);
        }
        SSLException tls = Completions.find(SSLException.class, cause);
        if (tls != null) {
            // The JDK may wrap the TLS failure in an IOException or two; the cause is the real one.
            return new WebSocketException(tlsMessage(uri, via, tls), tls);
        }
        if (Completions.find(UnknownHostException.class, cause) != null || Completions.find(UnresolvedAddressException.class, cause) != null) {
            // The JDK reports a name that did not resolve as a ConnectException around either.
            return new WebSocketException("Unknown host \"" + (proxy.isPresent() ? proxy.get() : uri.getHost())
                    + "\"" + (proxy.isPresent() ? " (the proxy for " + uri + ")" : " in " + uri)
                    + ": the name does not resolve (a typo, or no DNS entry)", cause);
        }
        if (Completions.find(ConnectException.class, cause) != null) {
            return new WebSocketException(proxy.map(p -> "The proxy " + p + " refused the connection (for " + uri
                            + "): nothing listens on that port")
                    .orElse("Connection refused by " + hostAndPort(uri) + " (" + uri
                            + "): nothing listens on that port, or a firewall rejects it"), cause);
        }
        if (cause.getMessage() != null && cause.getMessage().startsWith("Tunnel failed, got: ") && proxy.isPresent()) {
            return new WebSocketException("The proxy " + proxy.get() + " could not open a tunnel to "
                    + hostAndPort(uri) + " (for " + uri + "): it answered CONNECT with HTTP "
                    + cause.getMessage().substring("Tunnel failed, got: ".length()), cause);
        }
        String jdkMessage = cause.getMessage();
        if (jdkMessage != null && jdkMessage.startsWith(TOO_MANY_ATTEMPTS)) {
            return new WebSocketException(credentialsRefused(uri, proxy, jdkMessage), cause);
        }
        if (closedWithoutAnswer(cause) && "ws".equalsIgnoreCase(uri.getScheme())) {
            return new WebSocketException(hostAndPort(uri) + " closed the connection without an HTTP answer to the"
                    + " upgrade request of " + uri + via + "; if that port speaks TLS, connect with wss:// instead of"
                    + " ws://", cause);
        }
        return new WebSocketException("Could not open " + uri + via + ": " + cause, cause);
    }

    /** How java.net.http's {@code AuthenticationFilter} begins the message when it gives up. */
    private static final String TOO_MANY_ATTEMPTS = "too many authentication attempts";

    /**
     * The Authenticator answered every challenge, and each answer was refused: java.net.http asks
     * it again after each 407 (or 401), retrying up to {@code jdk.httpclient.auth.retrylimit} (3 by
     * default) times, and then fails with an {@code IOException} that names neither the status nor
     * who refused. A wrong proxy password does exactly that (squid saw the credentials four times,
     * see docs/interop.md).
     */
    private static String credentialsRefused(URI uri, Optional<String> proxy, String jdkMessage) {
        String gaveUp = " every time: java.net.http asked it again after each refusal, up to its retry limit"
                + " (jdk.httpclient.auth.retrylimit), and gave up (\"" + jdkMessage + "\"). Check the user name and"
                + " password it returns";
        return proxy.map(p -> "The proxy " + p + " (or the server behind it) refused the credentials that the"
                        + " HttpClient's Authenticator gave for " + uri + gaveUp
                        + " for the proxy (getRequestorType() == RequestorType.PROXY)")
                .orElse("The server refused the credentials that the HttpClient's Authenticator gave for " + uri + gaveUp);
    }

    /**
     * The client's executor refused one of the JDK's tasks. java.net.http cannot do without it: a
     * task that its selector thread cannot hand over stops the whole client (JDK-8277969: on JDKs
     * with the fix, {@code HttpClientImpl.DelegatingExecutor.ensureExecutedAsync} aborts the
     * selector manager and with it every pending request and open connection; on JDKs without
     * it, such as 17.0.15, the selector thread just ends and the client stalls). The message
     * names the executor, since the caller set it and only the caller can change it.
     */
    static WebSocketException executorRejected(HttpClient client, URI uri, RejectedExecutionException rejected) {
        String via = via(client, uri);
        String executor = client.executor().map(String::valueOf).orElse("(the JDK's default executor)");
        return new WebSocketException("Could not open " + uri + via + ": the HttpClient's executor " + executor
                + " rejected a task (" + rejected.getMessage() + "). java.net.http runs its work on that executor, and"
                + " a task rejected on its selector thread stops the whole client, with every connection on it"
                + " (JDK-8277969). Give the HttpClient an executor that accepts every task (not shut down, not a"
                + " bounded pool that rejects when busy), and a new HttpClient in place of one that failed this way;"
                + " see docs/jdk-defects.md", rejected);
    }

    /**
     * framewire's own wait ran out: the JDK did not report, not even its own connect timeout (it
     * applies that timeout to the whole handshake). That happens when the client's selector thread
     * has ended, which on JDKs without the fix of JDK-8277969 is what an executor that rejects a
     * task does. So ask the executor: one that is shut down or rejects a no-op now is named as the
     * cause. The no-op is harmless to an executor the caller gave the client for exactly such tasks,
     * and this path is taken only when the connect has already failed.
     */
    static WebSocketException stalled(HttpClient client, URI uri, Duration connectTimeout, Throwable timeout) {
        Optional<RejectedExecutionException> rejecting = client.executor().flatMap(ConnectFailures::rejects);
        if (rejecting.isPresent()) {
            WebSocketException e = executorRejected(client, uri, rejecting.get());
            e.addSuppressed(timeout);
            return e;
        }
        String via = via(client, uri);
        return timedOut(uri, via, !via.isEmpty(), connectTimeout, timeout);
    }

    /** {@return the rejection, if {@code executor} is shut down or rejects a task that does nothing} */
    static Optional<RejectedExecutionException> rejects(Executor executor) {
        if (executor instanceof ExecutorService service && service.isShutdown()) {
            return Optional.of(new RejectedExecutionException(executor + " is shut down"));
        }
        try {
            executor.execute(() -> { });
            return Optional.empty();
        } catch (RejectedExecutionException e) {
            return Optional.of(e);
        }
    }

    /** {@return " through the proxy host:port" when the JDK tunnels {@code uri} through one, else ""} */
    static String via(HttpClient client, URI uri) {
        return ProxyRoute.of(client, uri).map(p -> " through the proxy " + p).orElse("");
    }

    static WebSocketException timedOut(URI uri, String via, boolean proxied, Duration connectTimeout, Throwable cause) {
        return new WebSocketException("Opening " + uri + via + " did not complete within "
                + Durations.format(connectTimeout) + " (the connect timeout covers the TCP connect, "
                + (proxied ? "the proxy's CONNECT tunnel, " : "") + "TLS and the upgrade together): the "
                + (proxied ? "proxy or the " : "") + "server accepted the connection but did not answer in time", cause);
    }

    private static HandshakeException refusal(HttpResponse<?> response, String message, Throwable cause) {
        HttpHeaders headers = response.headers();
        return new HandshakeException(response.statusCode(), headers, message, cause);
    }

    private static String tlsMessage(URI uri, String via, SSLException tls) {
        String jdk = tls.getMessage();
        CertificateException certificate = Completions.find(CertificateException.class, tls);
        String detail = certificate != null && certificate.getMessage() != null ? certificate.getMessage() : jdk;
        if (detail != null && (detail.startsWith("No subject alternative") || detail.startsWith("No name matching"))) {
            return "TLS handshake with " + uri + via + " failed: the server's certificate is not for the host \""
                    + uri.getHost() + "\" (" + detail + "); connect with a name the certificate lists, or give the"
                    + " server a certificate for this name; " + TLS_RECIPES;
        }
        if (detail != null && (detail.contains("PKIX") || detail.contains("certification path")
                || detail.contains("trust anchor"))) {
            return "TLS handshake with " + uri + via + " failed: the server's certificate is not trusted ("
                    + detail + "); trust its CA or the certificate through an SSLContext on your own HttpClient; "
                    + TLS_RECIPES;
        }
        if (!(tls instanceof SSLHandshakeException) && jdk != null && jdk.contains("nrecognized SSL message")) {
            return "TLS handshake with " + uri + via + " failed: " + hostAndPort(uri) + " did not answer in TLS ("
                    + jdk + "); if that port speaks plain HTTP, connect with ws:// instead of wss://";
        }
        return "TLS handshake with " + uri + via + " failed: " + jdk;
    }

    /** The JDK's words for a peer that closed TCP before any HTTP response. */
    private static boolean closedWithoutAnswer(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof EOFException || (m != null && (m.contains("received no bytes")
                    || m.contains("EOF reached") || m.contains("Connection reset")))) {
                return true;
            }
        }
        return false;
    }

    static String hostAndPort(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getHost() + ":" + port;
    }
}
