package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testing.LogRecorder;
import dev.framewire.testing.Ports;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Credentials in the URI ({@code ws://user:password@host/}) become a Basic Authorization header
 * of the upgrade request, and the password shows up nowhere: not in {@code uri()}, not in
 * {@code toString()}, not in any exception message, not in the log at TRACE.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UriCredentialsTest {

    /** Percent-encoded in the URI: é and a colon, which only the first ':' may separate. */
    private static final String PASSWORD = "s3cr\u00e9t:pw";
    private static final String ENCODED = "s3cr%C3%A9t:pw";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final EchoServerExtension server = new EchoServerExtension();

    private final LogRecorder log = new LogRecorder();
    private final List<LogRecord> records = log.records();
    private final List<String> shown = new ArrayList<>();

    @BeforeEach
    void listen() {
        log.start();
    }

    @AfterEach
    void stopListeningAndLookForThePassword() {
        log.stop();
        for (LogRecord record : records) {
            shown.add(record.getMessage());
            if (record.getThrown() != null) {
                shown.add(stackTrace(record.getThrown()));
            }
        }
        assertFalse(shown.isEmpty());
        for (String text : shown) {
            assertFalse(text.contains("s3cr"), () -> "the password leaked: " + text);
            assertFalse(text.contains(ENCODED), () -> "the encoded password leaked: " + text);
        }
    }

    private static URI withCredentials(URI uri) {
        return URI.create(uri.toString().replace("://", "://user:" + ENCODED + "@"));
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    @Test
    void theCredentialsAreSentAsBasicAuthorizationAndShownNowhere() throws IOException {
        URI uri = withCredentials(server.uri());
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(uri)) {
            String expected = "Basic " + Base64.getEncoder()
                    .encodeToString(("user:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertEquals(expected, server.lastRequestHeader("Authorization"));
            assertEquals(server.uri(), ws.uri());
            assertNull(ws.uri().getUserInfo());
            ws.sendText("hello");
            assertEquals("hello", ws.readMessage().text());
            shown.add(ws.toString());
            shown.add(ws.uri().toString());
        }
        assertTrue(records.stream().anyMatch(r -> r.getMessage().contains(server.uri().toString())), "the log names the URI");
    }

    @Test
    void aRefusedHandshakeNamesTheUriWithoutThem() {
        URI uri = withCredentials(URI.create(server.uri().toString().replace("/echo", "/nowhere")));
        HandshakeException e = assertThrows(HandshakeException.class, () -> FrameSocket.connect(uri));
        assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
        shown.add(stackTrace(e));
    }

    @Test
    void aFailedConnectNamesTheUriWithoutThem() throws IOException {
        int port = Ports.closed();
        URI uri = URI.create("ws://user:" + ENCODED + "@127.0.0.1:" + port + "/echo");
        WebSocketException e = assertThrows(WebSocketException.class, () -> FrameSocket.connect(uri));
        assertTrue(e.getMessage().contains("ws://127.0.0.1:" + port + "/echo"), e.getMessage());
        shown.add(stackTrace(e));
    }

    @Test
    void badUrisAreRefusedWithoutShowingThem() {
        for (String bad : List.of("http://user:" + ENCODED + "@host/", "ws://user:" + ENCODED + "@host/#fragment")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FrameSocket.connect(URI.create(bad)));
            assertTrue(e.getMessage().contains("host/"), e.getMessage());
            shown.add(e.getMessage());
        }
    }

    @Test
    void credentialsBesideAnAuthorizationHeaderAreRefusedBeforeConnecting() {
        URI uri = withCredentials(server.uri());
        int before = server.connectionsOpened();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FrameSocket.newBuilder().header("Authorization", "Bearer t").connect(uri));
        assertTrue(e.getMessage().contains("an Authorization header was set too"), e.getMessage());
        assertEquals(before, server.connectionsOpened());
        shown.add(e.getMessage());
    }
}
