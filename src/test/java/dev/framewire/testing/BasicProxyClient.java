package dev.framewire.testing;

import dev.framewire.FrameSocket;

import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run by {@code ConnectingTest} in a JVM of its own, started with
 * {@code -Djdk.http.auth.tunneling.disabledSchemes=}: the JDK reads that property once, so only a
 * fresh JVM can show that Basic proxy authentication then works, for ws:// and wss://. Prints one
 * line per echoed message and exits 0, or exits 1 with the failure.
 */
public final class BasicProxyClient {

    private BasicProxyClient() {
    }

    public static void main(String[] args) throws Exception {
        Path keys = Files.createTempDirectory("framewire-proxy-child");
        SelfSignedCertificate certificate = SelfSignedCertificate.generate(keys, "ip:127.0.0.1");
        try (ConnectProxy proxy = ConnectProxy.withBasic("proxyuser", "proxy-secret");
             JettyEchoServer plain = JettyEchoServer.start();
             JettyEchoServer tls = JettyEchoServer.startTls(certificate)) {
            HttpClient client = HttpClient.newBuilder()
                    .proxy(proxy.selector())
                    .authenticator(new Authenticator() {
                        @Override
                        protected PasswordAuthentication getPasswordAuthentication() {
                            return getRequestorType() == RequestorType.PROXY
                                    ? new PasswordAuthentication("proxyuser", "proxy-secret".toCharArray()) : null;
                        }
                    })
                    .sslContext(certificate.trustingContext())
                    .build();
            for (URI uri : new URI[] {plain.uri(), tls.uri()}) {
                try (FrameSocket ws = FrameSocket.newBuilder().httpClient(client).connect(uri)) {
                    ws.sendText("through " + uri.getScheme());
                    System.out.println(ws.readMessage(Duration.ofSeconds(10)).text());
                }
            }
            System.out.println("challenges=" + proxy.challenges() + " tunnels=" + proxy.tunnels());
        } catch (Exception e) {
            e.printStackTrace(System.out);
            System.exit(1);
        }
        System.exit(0);
    }
}
