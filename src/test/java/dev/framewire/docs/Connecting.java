package dev.framewire.docs;

import dev.framewire.FrameSocket;
import dev.framewire.HandshakeException;

import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import javax.net.ssl.SSLContext;

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
}
