package dev.framewire.conformance;

import static dev.framewire.conformance.ClientExpectations.assertClosedByPeer;
import static dev.framewire.conformance.ClientExpectations.client;
import static dev.framewire.conformance.ClientExpectations.connectAndGo;
import static dev.framewire.conformance.ServerSteps.WAIT;
import static dev.framewire.conformance.ServerSteps.awaitGo;
import static dev.framewire.conformance.ServerSteps.binaryOfLength;
import static dev.framewire.conformance.ServerSteps.closeAndExpectEcho;
import static dev.framewire.conformance.ServerSteps.concat;
import static dev.framewire.conformance.ServerSteps.expectClose;
import static dev.framewire.conformance.ServerSteps.expectTcpEnd;
import static dev.framewire.conformance.ServerSteps.frame;
import static dev.framewire.conformance.ServerSteps.utf8;
import static dev.framewire.testkit.WireFrame.BINARY;
import static dev.framewire.testkit.WireFrame.CONTINUATION;
import static dev.framewire.testkit.WireFrame.PING;
import static dev.framewire.testkit.WireFrame.PONG;
import static dev.framewire.testkit.WireFrame.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;
import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.Message;
import dev.framewire.MessageTooLargeException;
import dev.framewire.Opcode;
import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Limits (RFC 6455, sections 10.4 and 7.4.1; Autobahn|Testsuite case 9 in small): "implementations
 * will likely wish to impose implementation-specific limits on frame size and the total message
 * size"; an endpoint that receives a message too big to process closes with 1009, or 1008 as a
 * generic policy violation.
 *
 * <p>These limits are framewire's: the JDK has none. {@code maxMessageSize} bounds what
 * {@code readMessage} gathers, counting UTF-8 bytes for text; past it framewire throws
 * {@link MessageTooLargeException}, discards the rest, and closes with 1008, because the JDK does
 * not let a client send 1009 ({@code StatusCodes.isLegalToSendFromClient}). {@code maxQueuedParts}
 * bounds what is received ahead of the reader: the JDK is asked for one part per part read.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsTest {

    /**
     * A message over the limit, in one frame or the third of five fragments: readMessage throws
     * with the limit and the size reached, the client closes with 1008, the rest of the message
     * and the message after it are discarded, and the server's answering Close ends the reads.
     */
    @ParameterizedTest(name = "{0} fragments of {1} bytes")
    @CsvSource({"1, 1001", "5, 400"})
    void aMessageOverMaxMessageSizeIsRefusedAndTheClientClosesWith1008(int fragments, int fragmentSize) throws Exception {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < fragments; i++) {
            frames.writeBytes(frame(i == 0 ? BINARY : CONTINUATION, i == fragments - 1, binaryOfLength(fragmentSize)));
        }
        frames.writeBytes(frame(TEXT, true, utf8("the message after it")));
        long sizeReached = fragments == 1 ? fragmentSize : 3L * fragmentSize;
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendRaw(frames.toByteArray());
            ClientFrame close = expectClose(c, 1008);
            assertEquals("Message exceeds 1000 bytes", close.closeReason());
            c.sendClose(1008, "");
            expectTcpEnd(c);
        }); FrameSocket ws = connectAndGo(client().maxMessageSize(1000), server)) {
            MessageTooLargeException tooLarge = assertThrows(MessageTooLargeException.class, ws::readMessage);
            assertEquals(1000, tooLarge.limit());
            assertEquals(sizeReached, tooLarge.size());
            assertFalse(ws.isOpen(), "the client has sent its Close");
            ConnectionClosedException closed = assertThrows(ConnectionClosedException.class, ws::readMessage,
                    "the rest was discarded; the server's Close ends the reads");
            assertEquals(new CloseStatus(1008, ""), closed.closeStatus());
            assertEquals(Optional.of(new CloseStatus(1008, "")), ws.closeStatus());
            server.awaitScripts(WAIT);
        }
    }

    /**
     * The limit is per message: messages each under it all arrive, however much they add up to on
     * the connection, whole or fragmented.
     */
    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {TEXT, BINARY})
    void theLimitIsPerMessageNotPerConnection(int opcode) throws Exception {
        byte[] payload = utf8("x".repeat(600));
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < 4; i++) {
            frames.writeBytes(frame(opcode, true, payload));
        }
        frames.writeBytes(frame(opcode, false, Arrays.copyOf(payload, 300)));
        frames.writeBytes(frame(CONTINUATION, true, Arrays.copyOf(payload, 300)));
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendRaw(frames.toByteArray());
            closeAndExpectEcho(c, 1000, "");
        }); FrameSocket ws = connectAndGo(client().maxMessageSize(1000), server)) {
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(payload, ws.readMessage().bytes(), "message " + (i + 1) + " of 600 bytes");
            }
            assertClosedByPeer(ws, 1000, "");
            server.awaitScripts(WAIT);
        }
    }

    /** The limit counts UTF-8 bytes, not chars: 333 euro signs and an "a" are 1000 bytes, 334 euro signs 1002. */
    @ParameterizedTest(name = "{0} bytes of text against a limit of 1000: accepted={1}")
    @CsvSource({"1000, true", "1002, false"})
    void theLimitCountsTheUtf8BytesOfText(int bytes, boolean accepted) throws Exception {
        String text = bytes == 1000 ? "\u20ac".repeat(333) + "a" : "\u20ac".repeat(334);
        assertEquals(bytes, utf8(text).length);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendText(text);
            if (accepted) {
                closeAndExpectEcho(c, 1000, "");
            } else {
                expectClose(c, 1008);
                c.sendClose(1008, "");
                expectTcpEnd(c);
            }
        }); FrameSocket ws = connectAndGo(client().maxMessageSize(1000), server)) {
            if (accepted) {
                assertEquals(text, ws.readMessage().text());
                assertClosedByPeer(ws, 1000, "");
            } else {
                MessageTooLargeException tooLarge = assertThrows(MessageTooLargeException.class, ws::readMessage);
                assertEquals(1002, tooLarge.size());
                assertThrows(ConnectionClosedException.class, ws::readMessage);
            }
            server.awaitScripts(WAIT);
        }
    }

    /** maxMessageSize is for readMessage; readFrame returns a larger message part by part. */
    @Test
    void readFrameIsNotBoundByMaxMessageSize() throws Exception {
        byte[] payload = binaryOfLength(5000);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendBinary(payload);
            closeAndExpectEcho(c, 1000, "");
        }); FrameSocket ws = connectAndGo(client().maxMessageSize(1000), server)) {
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            Frame part;
            do {
                part = ws.readFrame();
                joined.writeBytes(part.bytes());
            } while (!part.isFinal());
            assertArrayEquals(payload, joined.toByteArray());
            assertClosedByPeer(ws, 1000, "");
            server.awaitScripts(WAIT);
        }
    }

    /** Autobahn 9.1.6 and 9.2.6 in size: a 16 MiB message, exactly the default limit, arrives whole. */
    @Test
    void aSixteenMebibyteMessageArrivesWholeWithTheDefaultLimit() throws Exception {
        byte[] payload = binaryOfLength(16 << 20);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendBinary(payload);
            closeAndExpectEcho(c, 1000, "");
        }); FrameSocket ws = connectAndGo(server)) {
            Message message = ws.readMessage();
            assertEquals(Opcode.BINARY, message.type());
            assertArrayEquals(payload, message.bytes());
            assertClosedByPeer(ws, 1000, "");
            server.awaitScripts(WAIT);
        }
    }

    /** One byte more than the default limit of 16 MiB is refused. */
    @Test
    void oneByteOverTheDefaultLimitIsRefused() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendRaw(concat(frame(BINARY, false, new byte[16 << 20]), frame(CONTINUATION, true, new byte[1])));
            expectClose(c, 1008);
            c.sendClose(1008, "");
            expectTcpEnd(c);
        }); FrameSocket ws = connectAndGo(server)) {
            MessageTooLargeException tooLarge = assertThrows(MessageTooLargeException.class, ws::readMessage);
            assertEquals(16 << 20, tooLarge.limit());
            assertEquals((16 << 20) + 1, tooLarge.size());
            server.awaitScripts(WAIT);
        }
    }

    /**
     * The receive queue's bound holds: the server sends 100 messages and a Ping at once, and the
     * client reports each message it reads. The JDK answers the Ping only when it processes it,
     * which needs one unit of demand per message before it; framewire gives {@code maxQueuedParts}
     * at the start and one more per part read. So the Pong cannot be written before the reader has
     * taken 100 - 8 messages: on the wire it comes after at least 92 reports. With unbounded demand
     * the Pong would come at once. Measured: after exactly 92 reports in each of 30 runs on JDK 17
     * and on JDK 25, so the bound is tight.
     */
    @Test
    void aReaderThatFallsBehindHoldsBackTheServerWithinMaxQueuedParts() throws Exception {
        int messages = 100;
        int capacity = 8;
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < messages; i++) {
            frames.writeBytes(frame(TEXT, true, utf8("m" + i)));
        }
        frames.writeBytes(frame(PING, true, utf8("probe")));
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendRaw(frames.toByteArray());
            int reportsBeforePong = -1;
            for (int reports = 0; reports < messages || reportsBeforePong < 0; ) {
                ClientFrame frame = c.readFrame(WAIT);
                if (frame.opcode() == PONG) {
                    assertEquals("probe", frame.text());
                    reportsBeforePong = reports;
                } else {
                    assertEquals(ClientFrame.of(TEXT, true, utf8("read m" + reports)), frame);
                    reports++;
                }
            }
            System.out.println("the Pong came after " + reportsBeforePong + " of " + messages + " reports");
            assertTrue(reportsBeforePong >= messages - capacity,
                    "the client processed the Ping after only " + reportsBeforePong + " messages had been read");
            closeAndExpectEcho(c, 1000, "");
        }); FrameSocket ws = connectAndGo(client().maxQueuedParts(capacity), server)) {
            for (int i = 0; i < messages; i++) {
                String text = ws.readMessage().text();
                assertEquals("m" + i, text);
                ws.sendText("read " + text);
            }
            assertClosedByPeer(ws, 1000, "");
            server.awaitScripts(WAIT);
        }
    }
}
