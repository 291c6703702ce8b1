package dev.framewire.conformance;

import static dev.framewire.conformance.ClientExpectations.assertClosedByPeer;
import static dev.framewire.conformance.ClientExpectations.assertFailed;
import static dev.framewire.conformance.ClientExpectations.assertTextPart;
import static dev.framewire.conformance.ClientExpectations.connectAndGo;
import static dev.framewire.conformance.ServerSteps.RSV1;
import static dev.framewire.conformance.ServerSteps.RSV2;
import static dev.framewire.conformance.ServerSteps.RSV3;
import static dev.framewire.conformance.ServerSteps.WAIT;
import static dev.framewire.conformance.ServerSteps.awaitGo;
import static dev.framewire.conformance.ServerSteps.closeAndExpectEcho;
import static dev.framewire.conformance.ServerSteps.concat;
import static dev.framewire.conformance.ServerSteps.expectEcho;
import static dev.framewire.conformance.ServerSteps.expectFailure;
import static dev.framewire.conformance.ServerSteps.frame;
import static dev.framewire.conformance.ServerSteps.frameWithRsv;
import static dev.framewire.conformance.ServerSteps.sendChoppedUntilRefused;
import static dev.framewire.conformance.ServerSteps.utf8;
import static dev.framewire.testkit.WireFrame.BINARY;
import static dev.framewire.testkit.WireFrame.CLOSE;
import static dev.framewire.testkit.WireFrame.CONTINUATION;
import static dev.framewire.testkit.WireFrame.PING;
import static dev.framewire.testkit.WireFrame.PONG;
import static dev.framewire.testkit.WireFrame.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.framewire.FrameSocket;
import dev.framewire.Opcode;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.WireFrame;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reserved bits (RFC 6455, section 5.2; Autobahn|Testsuite case 3): "RSV1, RSV2, RSV3: MUST be 0
 * unless an extension is negotiated that defines meanings for non-zero values. If a nonzero value
 * is received and none of the negotiated extensions defines the meaning of such a nonzero value,
 * the receiving endpoint MUST _Fail the WebSocket Connection_."
 *
 * <p>framewire (through the JDK) never negotiates an extension, so every RSV bit on every kind of
 * frame fails the connection. The JDK checks them on the frame's first byte
 * ({@code MessageDecoder.rsv1/2/3}), before it reads the payload, and tries to send Close 1002.
 * Frames that arrived before the offending one are still returned first; nothing after it is
 * processed (no echo, no Pong).
 *
 * <p>Where the client fails the connection (15 cases here) the JDK queues its Close and closes TCP,
 * and which reaches the wire first is a race, so {@link ServerSteps#expectFailure} accepts either.
 * Counted over 30 runs of the suite: the Close arrived in 309 of 450 failures on JDK 17 and 331 of
 * 450 on JDK 25; in the rest TCP closed first.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(WireEnds.class)
class ReservedBitsTest {

    /**
     * Why every RSV bit is an error here: the client offers no extension (the JDK has no
     * permessage-deflate and sends no {@code Sec-WebSocket-Extensions}), and framewire refuses to
     * let a caller offer one by hand, since the JDK could not decode it.
     */
    @Test
    void theClientOffersNoExtensionSoNoReservedBitHasAMeaning() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            assertNull(c.requestHeader("Sec-WebSocket-Extensions"), "no extension offered");
            awaitGo(c);
            closeAndExpectEcho(c, 1000, "");
        }); FrameSocket ws = connectAndGo(server)) {
            assertThrows(IllegalArgumentException.class,
                    () -> FrameSocket.newBuilder().header("Sec-WebSocket-Extensions", "permessage-deflate"));
            assertClosedByPeer(ws, 1000, "");
            server.awaitScripts(WAIT);
        }
    }

    /** Every combination of RSV bits on a small text frame (Autobahn 3.1 is RSV1); 4 is RSV1, 2 RSV2, 1 RSV3. */
    @ParameterizedTest(name = "RSV bits {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
    void anyReservedBitOnATextFrameFailsTheConnection(int rsvBits) throws Exception {
        int rsv = rsvBits << 4; // RSV1 is the high bit of the three
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendRaw(frameWithRsv(TEXT, true, utf8("Hello, world!"), rsv));
            expectFailure(c, 1002);
        }); FrameSocket ws = connectAndGo(server)) {
            assertFailed(ws, firstReservedBitSet(rsvBits));
            server.awaitScripts(WAIT);
        }
    }

    /** Autobahn 3.2: a valid text, echoed; then a text with RSV2 fails the connection. */
    @Test
    void aValidMessageIsEchoedThenRsv2FailsTheConnection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendText("Hello, world!");
            expectEcho(c, TEXT, utf8("Hello, world!"));
            c.sendRaw(concat(frameWithRsv(TEXT, true, utf8("Hello, world!"), RSV2), frame(PING, true, utf8("after"))));
            expectFailure(c, 1002); // and no Pong for the Ping after the bad frame
        }); FrameSocket ws = connectAndGo(server)) {
            ws.sendText(ws.readMessage().text());
            assertFailed(ws, "rsv2");
            server.awaitScripts(WAIT);
        }
    }

    /** Autobahn 3.3: a valid text and a text with RSV3 in one write: the valid one is still returned. */
    @Test
    void aValidMessageInTheSameWriteIsReturnedBeforeRsv3FailsTheConnection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendRaw(concat(frame(TEXT, true, utf8("Hello, world!")),
                    frameWithRsv(TEXT, true, utf8("Hello, world!"), RSV3),
                    frame(PING, true, utf8("after"))));
            expectFailure(c, 1002);
        }); FrameSocket ws = connectAndGo(server)) {
            assertEquals("Hello, world!", ws.readMessage().text(), "nothing before the failure is lost");
            assertFailed(ws, "rsv3");
            server.awaitScripts(WAIT);
        }
    }

    /** Autobahn 3.4: as 3.3 with RSV1 and RSV2, written one byte at a time. */
    @Test
    void aValidMessageThenRsv1AndRsv2WrittenOneByteAtATime() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            sendChoppedUntilRefused(c, concat(frame(TEXT, true, utf8("Hello, world!")),
                    frameWithRsv(TEXT, true, utf8("Hello, world!"), RSV1 | RSV2),
                    frame(PING, true, utf8("after"))), 1);
            expectFailure(c, 1002);
        }); FrameSocket ws = connectAndGo(server)) {
            assertEquals("Hello, world!", ws.readMessage().text());
            assertFailed(ws, "rsv1");
            server.awaitScripts(WAIT);
        }
    }

    /**
     * Autobahn 3.5-3.7 and the rest: RSV bits on a binary frame, a continuation, a Ping, a Pong and
     * a Close. A Close with RSV bits is no Close: the status is 1006, not the code it carried.
     */
    @ParameterizedTest(name = "opcode {0} with RSV bits {1}")
    @CsvSource({
        BINARY + ", 5", // RSV1 and RSV3
        PING + ", 3",   // RSV2 and RSV3
        PONG + ", 4",   // RSV1
        CLOSE + ", 7",  // all three
    })
    void reservedBitsOnOtherFramesFailTheConnectionAfterTheMessageBeforeThem(int opcode, int rsvBits) throws Exception {
        int rsv = rsvBits << 4;
        byte[] payload = opcode == CLOSE ? WireFrame.closePayload(1000, "bye") : new byte[] {0, 1, 2, 3};
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendText("before");
            c.sendRaw(frameWithRsv(opcode, true, payload, rsv));
            expectFailure(c, 1002);
        }); FrameSocket ws = connectAndGo(server)) {
            assertEquals("before", ws.readMessage().text());
            assertFailed(ws, firstReservedBitSet(rsvBits));
            server.awaitScripts(WAIT);
        }
    }

    /**
     * An RSV bit on the continuation of a message: {@code readFrame} still returns the part that
     * came before it, then the failure; the unfinished message is never completed.
     */
    @Test
    void rsv1OnAContinuationFailsTheConnectionAfterThePartBeforeIt() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendRaw(concat(frame(TEXT, false, utf8("first part")),
                    frameWithRsv(CONTINUATION, true, utf8("second part"), RSV1)));
            expectFailure(c, 1002);
        }); FrameSocket ws = connectAndGo(server)) {
            assertTextPart(ws.readFrame(), Opcode.TEXT, false, "first part");
            assertFailed(ws, "rsv1");
            server.awaitScripts(WAIT);
        }
    }

    /** {@return the name the JDK gives the first RSV bit it checks (it checks RSV1 first)} */
    private static String firstReservedBitSet(int rsvBits) {
        return (rsvBits & 4) != 0 ? "rsv1" : (rsvBits & 2) != 0 ? "rsv2" : "rsv3";
    }
}
