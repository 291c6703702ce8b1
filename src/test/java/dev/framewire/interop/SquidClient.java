package dev.framewire.interop;

import dev.framewire.FrameSocket;
import dev.framewire.HandshakeException;

import java.io.InputStream;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Run by {@link SquidTest} in a JVM of its own, started with
 * {@code -Djdk.http.auth.tunneling.disabledSchemes=} (the JDK reads that property once per JVM, so
 * the test JVM, which keeps the JDK's default, cannot show both sides). Arguments: the proxy's
 * port, the user, the right password, a {@code ws://} and a {@code wss://} URI of the echo server,
 * and a PKCS12 trust store (password {@code changeit}) for the latter. Prints one line per case,
 * {@code case: echo TEXT} or {@code case: failed CLASS STATUS MESSAGE}, and exits 0.
 */
public final class SquidClient {

    private SquidClient() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]));
        String user = args[1];
        String password = args[2];
        URI ws = URI.create(args[3]);
        URI wss = URI.create(args[4]);
        SSLContext tls = trusting(Path.of(args[5]));
        System.out.println("property=[" + System.getProperty("jdk.http.auth.tunneling.disabledSchemes") + "]");
        run("ws-right-password", client(proxy, tls, user, password), ws);
        run("wss-right-password", client(proxy, tls, user, password), wss);
        run("ws-wrong-password", client(proxy, tls, user, "not-" + password), ws);
        run("wss-wrong-password", client(proxy, tls, user, "not-" + password), wss);
        run("ws-no-authenticator", client(proxy, tls, null, null), ws);
        System.exit(0);
    }

    private static void run(String name, HttpClient client, URI uri) {
        try (FrameSocket ws = FrameSocket.newBuilder().httpClient(client).connectTimeout(Duration.ofSeconds(15)).connect(uri)) {
            ws.sendText(name + " through squid");
            System.out.println(name + ": echo " + ws.readMessage(Duration.ofSeconds(15)).text());
        } catch (Exception e) {
            String status = e instanceof HandshakeException refused ? String.valueOf(refused.statusCode()) : "-";
            System.out.println(name + ": failed " + e.getClass().getSimpleName() + " " + status + " "
                    + e.getMessage().replace('\n', ' ')
                    + (e.getCause() == null ? "" : " | cause: " + e.getCause()));
        }
    }

    private static HttpClient client(InetSocketAddress proxy, SSLContext tls, String user, String password) {
        HttpClient.Builder client = HttpClient.newBuilder().proxy(ProxySelector.of(proxy)).sslContext(tls);
        if (user != null) {
            client.authenticator(new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return getRequestorType() == RequestorType.PROXY
                            ? new PasswordAuthentication(user, password.toCharArray()) : null;
                }
            });
        }
        return client.build();
    }

    private static SSLContext trusting(Path trustStore) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            trusted.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
