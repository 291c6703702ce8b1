package dev.framewire.docs;

import dev.framewire.FrameSocket;
import dev.framewire.HandshakeException;

import java.io.IOException;
import java.io.InputStream;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** The code of docs/connecting.md; DocsExamplesTest runs it, DocsSnippetsTest keeps the page in step. */
final class Connecting {

    private Connecting() {
    }

    static String defaults(URI uri) throws IOException {
        // tag::defaults[]
        try (FrameSocket ws = FrameSocket.connect(uri)) {
            ws.sendText("hello");
            return ws.readMessage(Duration.ofSeconds(5)).text();
        }
        // end::defaults[]
    }

    static String settings(URI uri) throws IOException {
        // tag::settings[]
        FrameSocket ws = FrameSocket.newBuilder()
                .header("Authorization", "Bearer my-token")   // sent with the upgrade request
                .subprotocols("superchat", "chat")            // most preferred first
                .connectTimeout(Duration.ofSeconds(5))         // TCP + TLS + handshake; default 10 s
                .readTimeout(Duration.ofSeconds(30))           // readFrame()/readMessage(); default none
                .connect(uri);
        String chosen = ws.subprotocol();                      // "" when the server chose none
        // end::settings[]
        ws.close();
        return chosen;
    }

    static int refused(URI uri) throws IOException {
        // tag::refused[]
        try (FrameSocket ws = FrameSocket.connect(uri)) {
            return ws.isOpen() ? 101 : 0;
        } catch (HandshakeException refused) {
            int status = refused.statusCode();                 // 401, 403, 404, ...
            refused.headers().firstValue("WWW-Authenticate")  // what the server asked for
                    .ifPresent(challenge -> System.out.println("Server wants: " + challenge));
            return status;
        }
        // end::refused[]
    }

    static String ownClient(URI uri, SSLContext sslContext, ProxySelector proxies) throws IOException {
        // tag::own-client[]
        HttpClient client = HttpClient.newBuilder()
                .sslContext(sslContext)                        // trust a private CA, client certificates
                .proxy(proxies)                                // e.g. ProxySelector.of(new InetSocketAddress("proxy", 3128))
                .build();
        try (FrameSocket ws = FrameSocket.newBuilder().httpClient(client).connect(uri)) {
            ws.sendText("through my own client");
            return ws.readMessage(Duration.ofSeconds(5)).text();
        }
        // end::own-client[]
    }

    static SSLContext trustPem(Path pemFile) throws IOException, GeneralSecurityException {
        // tag::trust-pem[]
        // The server's certificate, or the CA that signed it, as a PEM file ("-----BEGIN CERTIFICATE-----").
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);                            // an empty, in-memory store
        try (InputStream in = Files.newInputStream(pemFile)) {
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("trusted-" + n++, c);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext sslContext = SSLContext.getInstance("TLS");
        sslContext.init(null, trust.getTrustManagers(), null);
        // end::trust-pem[]
        return sslContext;
    }

    static SSLContext trustStore(Path trustStoreFile, char[] password) throws IOException, GeneralSecurityException {
        // tag::trust-pkcs12[]
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStoreFile)) {
            trusted.load(in, password);                      // e.g. made with keytool -importcert
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext sslContext = SSLContext.getInstance("TLS");
        sslContext.init(null, trust.getTrustManagers(), null);
        // end::trust-pkcs12[]
        return sslContext;
    }

    static String clientCertificate(URI uri, Path keyStoreFile, char[] password, TrustManager[] trustManagers)
            throws IOException, GeneralSecurityException {
        // tag::client-certificate[]
        KeyStore mine = KeyStore.getInstance("PKCS12");      // my private key and certificate
        try (InputStream in = Files.newInputStream(keyStoreFile)) {
            mine.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(mine, password);
        SSLContext sslContext = SSLContext.getInstance("TLS");
        sslContext.init(keys.getKeyManagers(), trustManagers, null); // trustManagers: as above, or null for the JDK's
        HttpClient client = HttpClient.newBuilder().sslContext(sslContext).build();
        try (FrameSocket ws = FrameSocket.newBuilder().httpClient(client).connect(uri)) {
            ws.sendText("mutual TLS");
            return ws.readMessage(Duration.ofSeconds(5)).text();
        }
        // end::client-certificate[]
    }

    static String proxy(URI uri, InetSocketAddress proxyAddress) throws IOException {
        // tag::proxy[]
        HttpClient client = HttpClient.newBuilder()
                .proxy(ProxySelector.of(proxyAddress))           // e.g. new InetSocketAddress("proxy.example", 3128)
                .build();
        try (FrameSocket ws = FrameSocket.newBuilder().httpClient(client).connect(uri)) {
            ws.sendText("through the proxy");
            return ws.readMessage(Duration.ofSeconds(5)).text();
        }
        // end::proxy[]
    }

    static String proxyWithBasic(URI uri, InetSocketAddress proxyAddress, String user, char[] password) throws IOException {
        // tag::proxy-basic[]
        // Works only in a JVM started with -Djdk.http.auth.tunneling.disabledSchemes= (see below).
        HttpClient client = HttpClient.newBuilder()
                .proxy(ProxySelector.of(proxyAddress))
                .authenticator(new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return getRequestorType() == RequestorType.PROXY
                                ? new PasswordAuthentication(user, password) : null;
                    }
                })
                .build();
        try (FrameSocket ws = FrameSocket.newBuilder().httpClient(client).connect(uri)) {
            ws.sendText("through the proxy, authenticated");
            return ws.readMessage(Duration.ofSeconds(5)).text();
        }
        // end::proxy-basic[]
    }
}
