package dev.framewire.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;
import dev.framewire.FrameSocket;
import dev.framewire.HandshakeException;
import dev.framewire.Opcode;
import dev.framewire.Reconnector;
import dev.framewire.SendTimeoutException;
import dev.framewire.testkit.Faults;
import dev.framewire.testkit.Handshake;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.ScriptedServerExtension;
import dev.framewire.testkit.ServerConnection;
import dev.framewire.testkit.WireFrame;
import dev.framewire.testkit.Writes;

import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The code of docs/testing.md, which is itself a test class: Surefire runs it, DocsSnippetsTest
 * keeps the page in step. Each region is a test as a user of framewire and the testkit writes it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TestingTest {

    // tag::extension[]
    @RegisterExtension
    static final ScriptedServerExtension server = new ScriptedServerExtension();   // one server for the class
    // end::extension[]

    // tag::happy[]
    @Test
    void echoesAMessage() throws Exception {
        server.enqueue(connection -> {                          // the next connection's script
            connection.received().expectText("hello");          // what the client sent, frame by frame
            connection.sendText("hello, client");
            connection.received().expectClose(1000);            // the client closed as it should
            connection.sendClose(1000, "");
        });
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(5)).connect(server.uri())) {
            ws.sendText("hello");
            assertEquals("hello, client", ws.readMessage().text());
        }                                                       // close(): Close 1000, and the server's answer
        server.awaitScripts(Duration.ofSeconds(5));             // a script that failed fails the test here
    }
    // end::happy[]

    // tag::greeting[]
    @Test
    void readsTheGreetingThatCameWithThe101() throws Exception {
        server.enqueue(Faults.greetingBehindThe101("welcome", "rules: be nice"));  // in the 101's own write
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(5)).connect(server.uri())) {
            assertEquals("welcome", ws.readMessage().text());
            assertEquals("rules: be nice", ws.readMessage().text());
        }
    }
    // end::greeting[]

    // tag::trickle[]
    @Test
    void readsFragmentsThatArriveOneBytePerWrite() throws Exception {
        server.enqueue(connection -> {
            connection.received().expectText("subscribe");     // the client speaks first
            connection.writes(Writes.oneBytePerWrite());        // every later send, byte by byte
            connection.sendTextFragments("hel", "lo");          // one message, two frames, 9 writes
            connection.awaitCloseAndAnswer(Duration.ofSeconds(5));  // answers the client's Close
        });
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(5)).connect(server.uri())) {
            ws.sendText("subscribe");
            assertEquals("hello", ws.readMessage().text());     // readFrame would see parts as they come
        }
    }
    // end::trickle[]

    // tag::drop[]
    @Test
    void aServerThatDropsMidFrameReadsAs1006() throws Exception {
        server.enqueue(connection -> {
            connection.received().expectText("subscribe");
            connection.sendPartOf(WireFrame.binary(new byte[1000]), 500);   // half a frame...
            connection.closeTcp();                                          // ...and FIN, no Close
        });
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(5)).connect(server.uri())) {
            ws.sendText("subscribe");
            ConnectionClosedException dropped = assertThrows(ConnectionClosedException.class, ws::readMessage);
            assertEquals(1006, dropped.closeStatus().code());   // abnormal closure: no Close came
            assertFalse(dropped.initiatedLocally());
        }
    }
    // end::drop[]

    // tag::keepalive[]
    @Test
    void keepaliveNoticesAServerThatVanishedSilently() throws Exception {
        server.enqueue(Faults.vanishSilently());                // TCP stays up; nothing is read or answered
        try (FrameSocket ws = FrameSocket.newBuilder()
                .keepAlive(Duration.ofMillis(200), Duration.ofMillis(300))   // idle 200 ms: Ping; 300 ms more: gone
                .closeTimeout(Duration.ofMillis(100))
                .connect(server.uri())) {
            ConnectionClosedException gone = assertThrows(ConnectionClosedException.class, ws::readFrame);
            assertEquals(1006, gone.closeStatus().code());
            assertTrue(gone.initiatedLocally());                // this side gave up: its keepalive
        }
    }
    // end::keepalive[]

    // tag::refused[]
    @Test
    void aRefusedUpgradeSaysWhenToComeBack() throws Exception {
        server.enqueue(Faults.refusedUpgrade(503, Duration.ofSeconds(2)));   // 503 with Retry-After: 2
        HandshakeException refused = assertThrows(HandshakeException.class, () -> FrameSocket.connect(server.uri()));
        assertEquals(503, refused.statusCode());
        assertEquals("2", refused.headers().firstValue("Retry-After").orElseThrow());
    }
    // end::refused[]

    // tag::reconnector[]
    @Test
    void theReconnectorWaitsAsRetryAfterSays() throws Exception {
        server.enqueue(Faults.refusedUpgrade(503, Duration.ofSeconds(1)));   // the first attempt: not now
        server.enqueue(Handshake.accept(), connection -> {                   // the second: welcome
            connection.sendText("at last");
            connection.awaitCloseAndAnswer(Duration.ofSeconds(5));
        });
        Reconnector reconnector = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(5))
                .reconnector(server.uri()).backoff(Duration.ofMillis(10), Duration.ofSeconds(5));
        long start = System.nanoTime();
        try (FrameSocket ws = reconnector.connect()) {
            assertTrue(System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(1), "waited Retry-After, not 10 ms");
            assertEquals("at last", ws.readMessage().text());
        }
    }
    // end::reconnector[]

    // tag::backpressure[]
    @Test
    void aSendThatTheServerDoesNotReadTimesOut() throws Exception {
        server.enqueue(ServerConnection::echoUntilClosed);      // an echo, that the test will stall
        try (FrameSocket ws = FrameSocket.newBuilder().sendTimeout(Duration.ofMillis(500))
                .closeTimeout(Duration.ofMillis(100)).connect(server.uri())) {
            ServerConnection connection = server.nextConnection();
            connection.stopReading();                           // TCP's windows fill up from now on
            byte[] mebibyte = new byte[1 << 20];
            SendTimeoutException stuck = assertThrows(SendTimeoutException.class, () -> {
                for (int i = 0; i < 256; i++) {                 // more than any socket buffers hold
                    ws.sendBinary(ByteBuffer.wrap(mebibyte));
                }
            });
            assertEquals(Duration.ofMillis(500), stuck.timeout());
            assertFalse(ws.isOpen());                           // a stuck send aborts the connection
        }
    }
    // end::backpressure[]

    // tag::wire[]
    @Test
    void aContinuationWithoutAStartFailsTheConnection() throws Exception {
        server.enqueue(connection -> {
            connection.received().expectText("subscribe");
            connection.send(WireFrame.continuation("orphan"));  // no TEXT or BINARY frame before it
            connection.received().expectFailed(1002);           // Close 1002 (protocol error), or only FIN
        });
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(5)).connect(server.uri())) {
            ws.sendText("subscribe");
            ConnectionClosedException failed = assertThrows(ConnectionClosedException.class, ws::readFrame);
            assertEquals(1006, failed.closeStatus().code());    // the JDK failed it: no Close from the peer
            assertInstanceOf(ProtocolException.class, failed.getCause());
        }
        server.awaitScripts(Duration.ofSeconds(5));
    }
    // end::wire[]

    // tag::tls[]
    @Test
    void overTls() throws Exception {
        try (ScriptedServer tls = ScriptedServer.newBuilder().tls().start(ServerConnection::echoUntilClosed);
             FrameSocket ws = FrameSocket.newBuilder()
                     .httpClient(tls.httpClient())              // trusts the server's own certificate
                     .readTimeout(Duration.ofSeconds(5))
                     .connect(tls.uri())) {                     // wss://127.0.0.1:PORT/
            ws.sendText("secret");
            assertEquals("secret", ws.readMessage().text());
        }
    }
    // end::tls[]

    // tag::plain[]
    @Test
    void withoutTheExtension() throws Exception {
        try (ScriptedServer plain = ScriptedServer.start(Faults.closeWithoutStatus());
             FrameSocket ws = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(5)).connect(plain.uri())) {
            assertEquals(Opcode.CLOSE, ws.readFrame().opcode());
            assertEquals(CloseStatus.of(1005, ""), ws.closeStatus().orElseThrow());
        }
    }
    // end::plain[]
}
