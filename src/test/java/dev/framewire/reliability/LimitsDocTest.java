package dev.framewire.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.framewire.FrameSocket;
import dev.framewire.testing.EchoServerExtension;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the code shown in docs/limits.md (DocsSnippetsTest keeps the page equal to it). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LimitsDocTest {

    @RegisterExtension
    static final EchoServerExtension echo = new EchoServerExtension();

    @Test
    void theSettingsShownOnTheLimitsPageConnectAndRoundTrip() throws IOException {
        URI uri = echo.uri();
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
            assertEquals("within the limits", ws.readMessage(Duration.ofSeconds(10)).text());
        }
    }
}
