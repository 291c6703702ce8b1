package dev.framewire.docs;

import dev.framewire.FrameSocket;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/** The code of docs/limits.md. */
final class Limits {

    private Limits() {
    }

    static String settings(URI uri) throws IOException {
        // tag::settings[]
        FrameSocket ws = FrameSocket.newBuilder()
                .maxMessageSize(16 << 20)                                   // readMessage: largest message, bytes
                .maxQueuedParts(64)                                         // received parts held before TCP pushes back
                .sendTimeout(Duration.ofSeconds(10))                        // a send that stalls aborts the connection
                .keepAlive(Duration.ofSeconds(30), Duration.ofSeconds(10))  // a silent peer is dropped as 1006
                .connect(uri);
        // end::settings[]
        try (ws) {
            ws.sendText("within the limits");
            return ws.readMessage(Duration.ofSeconds(10)).text();
        }
    }
}
