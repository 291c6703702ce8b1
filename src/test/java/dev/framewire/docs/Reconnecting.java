package dev.framewire.docs;

import dev.framewire.ConnectionClosedException;
import dev.framewire.FrameSocket;
import dev.framewire.Reconnector;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The code of docs/reconnecting.md; DocsExamplesTest runs it, DocsSnippetsTest keeps the page in step. */
final class Reconnecting {

    private Reconnecting() {
    }

    static Reconnector reconnector(URI uri) {
        // tag::build[]
        Reconnector reconnector = FrameSocket.newBuilder()
                .header("Authorization", "Bearer my-token")
                .keepAlive(Duration.ofSeconds(20), Duration.ofSeconds(10))  // a silent server ends as 1006
                .reconnector(uri)                                            // these settings, as they are now
                .backoff(Duration.ofMillis(500), Duration.ofSeconds(30))    // the default
                .maxAttempts(10);                                            // per connect(); default: no limit
        // end::build[]
        return reconnector;
    }

    static List<String> subscribe(Reconnector reconnector, int wanted) throws IOException {
        // tag::loop[]
        List<String> prices = new ArrayList<>();
        while (prices.size() < wanted) {                        // your application's own "keep going"
            try (FrameSocket ws = reconnector.connect()) {      // backs off first if the last one dropped
                ws.sendText("{\"subscribe\":\"prices\"}");      // a new connection knows nothing: subscribe again
                while (prices.size() < wanted) {
                    prices.add(ws.readMessage().text());
                }
            } catch (ConnectionClosedException ended) {         // dropped, or the server closed: go round
                System.out.println("Connection ended with " + ended.closeStatus() + "; reconnecting");
            }
        }                                                       // leaving the try sent Close 1000
        return prices;
        // end::loop[]
    }
}
