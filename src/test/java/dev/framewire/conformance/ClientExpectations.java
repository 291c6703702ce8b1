package dev.framewire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;
import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.Opcode;
import dev.framewire.testkit.ScriptedServer;

import java.io.IOException;
import java.net.ProtocolException;
import java.util.Locale;
import java.util.Optional;

/** What the conformance cases expect of framewire on the client's side. Every read is bounded. */
final class ClientExpectations {

    private ClientExpectations() {
    }

    /** {@return a builder whose reads never wait longer than {@link ServerSteps#WAIT}} */
    static FrameSocket.Builder client() {
        return FrameSocket.newBuilder().readTimeout(ServerSteps.WAIT);
    }

    /** Connects with default settings and speaks first (see {@link ServerSteps#awaitGo}). */
    static FrameSocket connectAndGo(ScriptedServer server) throws IOException {
        return connectAndGo(client(), server);
    }

    /** Connects with {@code builder} and speaks first. */
    static FrameSocket connectAndGo(FrameSocket.Builder builder, ScriptedServer server) throws IOException {
        FrameSocket ws = builder.connect(server.uri());
        ws.sendText("go");
        return ws;
    }

    /**
     * Expects that the client has failed the connection (RFC 6455, section 7.1.7): the next read
     * ends with {@link ConnectionClosedException}, status 1006, and as cause the JDK's
     * {@link ProtocolException}, whose own cause names the violation; the end is sticky, the status
     * reads 1006, and sends are refused.
     *
     * @param violation a word the JDK's description of the violation contains, in any case
     */
    static ConnectionClosedException assertFailed(FrameSocket ws, String violation) {
        ConnectionClosedException failed = assertThrows(ConnectionClosedException.class, () -> ws.readFrame(ServerSteps.WAIT));
        assertEquals(CloseStatus.ABNORMAL_CLOSURE, failed.closeStatus().code(), failed.toString());
        // The JDK decides: a protocol violation reaches the listener as ProtocolException whose
        // cause (jdk.internal.net.http.websocket.FailWebSocketException) describes it.
        ProtocolException protocolError = assertInstanceOf(ProtocolException.class, failed.getCause(),
                "the cause is the JDK's protocol error");
        assertNotNull(protocolError.getCause(), "the JDK says what was violated");
        String description = String.valueOf(protocolError.getCause().getMessage());
        assertTrue(description.toLowerCase(Locale.ROOT).contains(violation.toLowerCase(Locale.ROOT)),
                "expected a violation about \"" + violation + "\", the JDK said: " + description);
        assertEquals(Optional.of(new CloseStatus(CloseStatus.ABNORMAL_CLOSURE, "")), ws.closeStatus());
        assertFalse(ws.isOpen());
        assertThrows(ConnectionClosedException.class, () -> ws.readMessage(ServerSteps.WAIT), "the end is sticky");
        assertThrows(ConnectionClosedException.class, () -> ws.sendText("late"), "nothing is sent after the failure");
        return failed;
    }

    /**
     * Expects the peer's Close next: {@code readFrame} returns it once as a CLOSE frame, the status
     * is recorded, and later reads and sends end with {@link ConnectionClosedException} carrying it.
     */
    static void assertClosedByPeer(FrameSocket ws, int code, String reason) throws IOException {
        Frame close = ws.readFrame(ServerSteps.WAIT);
        assertEquals(Opcode.CLOSE, close.opcode(), close.toString());
        CloseStatus expected = new CloseStatus(code, reason);
        assertEquals(Optional.of(expected), close.closeStatus());
        assertEquals(Optional.of(expected), ws.closeStatus());
        assertFalse(ws.isOpen());
        ConnectionClosedException after = assertThrows(ConnectionClosedException.class, () -> ws.readFrame(ServerSteps.WAIT));
        assertEquals(expected, after.closeStatus());
        assertThrows(ConnectionClosedException.class, () -> ws.sendText("late"));
    }

    /** Expects the next frame to be a data part with this opcode, finality and text. */
    static void assertTextPart(Frame frame, Opcode opcode, boolean isFinal, String text) {
        assertEquals(opcode, frame.opcode(), frame.toString());
        assertEquals(isFinal, frame.isFinal(), frame.toString());
        assertTrue(frame.isText(), frame.toString());
        assertEquals(text, frame.text(), frame.toString());
    }
}
