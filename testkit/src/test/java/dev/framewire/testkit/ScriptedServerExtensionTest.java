package dev.framewire.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JUnit 5 extension: one server for the class, a script per test, TLS from the builder. */
class ScriptedServerExtensionTest {

    @RegisterExtension
    static final ScriptedServerExtension server = new ScriptedServerExtension(ScriptedServer.newBuilder().tls());

    @Test
    void anEnqueuedScriptPlaysOnTheNextConnection() throws Exception {
        server.enqueue(connection -> {
            connection.sendText("first");
            connection.awaitClientClosed(ReceivedFrames.DEFAULT_TIMEOUT);
        });
        server.enqueue(Faults.greetingBehindThe101("second"));
        assertEquals("first", firstMessage(server.httpClient()));
        assertEquals("second", firstMessage(server.httpClient()));
        server.awaitScripts(ReceivedFrames.DEFAULT_TIMEOUT);
    }

    @Test
    void theTestCanWorkTheServerSideItself() throws Exception {
        assertEquals("wss", server.uri().getScheme());
        CountDownLatch testDone = new CountDownLatch(1);
        server.enqueue(connection -> testDone.await(10, TimeUnit.SECONDS)); // reads nothing: the test does
        JdkClientTest.Events events = new JdkClientTest.Events();
        WebSocket ws = server.httpClient().newWebSocketBuilder().buildAsync(server.uri(), events).get(10, TimeUnit.SECONDS);
        ws.sendText("over TLS", true).get(10, TimeUnit.SECONDS);
        ServerConnection connection = server.nextConnection();
        connection.received().expectText("over TLS");
        connection.sendText("and back");
        assertEquals("and back", events.next());
        testDone.countDown();
        ws.abort();
    }

    private static String firstMessage(HttpClient client) throws Exception {
        JdkClientTest.Events events = new JdkClientTest.Events();
        WebSocket ws = client.newWebSocketBuilder().buildAsync(server.uri(), events).get(10, TimeUnit.SECONDS);
        try {
            return events.next();
        } finally {
            ws.abort();
        }
    }
}
