package dev.framewire.conformance;

import static dev.framewire.conformance.ClientExpectations.assertClosedByPeer;
import static dev.framewire.conformance.ClientExpectations.assertFailed;
import static dev.framewire.conformance.ClientExpectations.assertTextPart;
import static dev.framewire.conformance.ClientExpectations.connectAndGo;
import static dev.framewire.conformance.ServerSteps.WAIT;
import static dev.framewire.conformance.ServerSteps.awaitGo;
import static dev.framewire.conformance.ServerSteps.closeAndExpectEcho;
import static dev.framewire.conformance.ServerSteps.concat;
import static dev.framewire.conformance.ServerSteps.expectEcho;
import static dev.framewire.conformance.ServerSteps.expectFailure;
import static dev.framewire.conformance.ServerSteps.frame;
import static dev.framewire.conformance.ServerSteps.hex;
import static dev.framewire.conformance.ServerSteps.utf8;
import static dev.framewire.testkit.WireFrame.BINARY;
import static dev.framewire.testkit.WireFrame.CLOSE;
import static dev.framewire.testkit.WireFrame.CONTINUATION;
import static dev.framewire.testkit.WireFrame.PING;
import static dev.framewire.testkit.WireFrame.PONG;
import static dev.framewire.testkit.WireFrame.TEXT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.Message;
import dev.framewire.Opcode;
import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UTF-8 handling (RFC 6455, sections 5.6 and 8.1; Autobahn|Testsuite case 6 and 7.5.1): text is
 * valid UTF-8 across the whole message, so sequences split across fragments are fine and arrive
 * whole, while invalid UTF-8 anywhere in a text message, or in a Close reason, fails the connection.
 *
 * <p>The JDK decides all of it: it decodes text incrementally as it reads
 * ({@code MessageDecoder.payloadData} with {@code UTF8AccumulatingDecoder}), holds the bytes of an
 * unfinished character until the next fragment, and fails the connection with 1007 as soon as the
 * input cannot be the start of valid UTF-8, without waiting for the rest of the frame or message
 * ("fail fast", Autobahn 6.4). An invalid Close reason it fails with 1002
 * ({@code MessageDecoder.endFrame}: "Illegal close reason"). Its decoder refuses overlong forms,
 * encoded surrogates and code points above U+10FFFF, and accepts noncharacters, as RFC 3629 wants.
 *
 * <p>Where the client fails the connection (43 cases here) the JDK queues its Close and closes TCP,
 * and which reaches the wire first is a race, so {@link ServerSteps#expectFailure} accepts either.
 * Counted over 30 runs of the suite: the Close arrived in 979 of 1290 failures on JDK 17 and 1011 of
 * 1290 on JDK 25; in the rest TCP closed first.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(WireEnds.class)
class Utf8HandlingTest {

    private static final String HELLO = "Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!";
    private static final String KOSME = "\u03ba\u1f79\u03c3\u03bc\u03b5"; // κόσμε

    /** Autobahn 6.2.1, 6.5, 6.7-6.9, 6.22-6.23: valid text in one frame, from first and last code points of each length to noncharacters. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "48 65 6c 6c 6f 2d c2 b5 40 c3 9f c3 b6 c3 a4 c3 bc c3 a0 c3 a1 2d 55 54 46 2d 38 21 21", // Hello-µ@ßöäüàá-UTF-8!!
        "ce ba e1 bd b9 cf 83 ce bc ce b5", // κόσμε
        "00", "c2 80", "e0 a0 80", "f0 90 80 80",             // the first code point of each length
        "7f", "df bf", "ef bf bf", "f4 8f bf bf",             // the last
        "ed 9f bf", "ee 80 80", "ef bf bd",                  // around the surrogates, and U+FFFD
        "ef bf be", "ef b7 90", "ef b7 af", "f0 9f bf be", "f4 8f bf be", // noncharacters are valid
        "f0 9f 98 80 f0 9d 84 9e",                            // two 4-byte characters
    })
    void validTextInOneFrameArrivesExactlyAndIsEchoedExactly(String hex) throws Exception {
        byte[] payload = hex(hex);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendFrame(TEXT, true, payload);
            expectEcho(c, TEXT, payload);
            closeAndExpectEcho(c, 1000, "");
        }); FrameSocket ws = connectAndGo(server)) {
            Message message = ws.readMessage();
            assertArrayEquals(payload, message.bytes());
            ws.sendText(message.text());
            assertClosedByPeer(ws, 1000, "");
            server.awaitScripts(WAIT);
        }
    }

    /**
     * Autobahn 6.2.3, 6.2.4 and 6.5: valid text in one-byte fragments, so that every multi-byte
     * character is split. readMessage returns it exactly; readFrame returns parts that each hold
     * only whole characters (the JDK hands up no part for a fragment that completes none).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {HELLO, KOSME, "a\uD83D\uDE00b\u20ac\uD834\uDD1E"})
    void validTextInOneByteFragmentsArrivesWholeCharacterByCharacter(String text) throws Exception {
        byte[] payload = utf8(text);
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < payload.length; i++) {
            frames.writeBytes(frame(i == 0 ? TEXT : CONTINUATION, i == payload.length - 1, new byte[] {payload[i]}));
        }
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendRaw(frames.toByteArray()); // once for readFrame,
            c.sendRaw(frames.toByteArray()); // once for readMessage
            expectEcho(c, TEXT, payload);
            closeAndExpectEcho(c, 1000, "");
        }); FrameSocket ws = connectAndGo(server)) {
            StringBuilder joined = new StringBuilder();
            Frame part;
            do {
                part = ws.readFrame();
                assertTrue(part.isText(), part.toString());
                assertEquals(part.text(), new String(part.bytes(), UTF_8), "a part holds whole characters only");
                joined.append(part.text());
            } while (!part.isFinal());
            assertEquals(text, joined.toString());
            Message second = ws.readMessage();
            assertEquals(text, second.text());
            ws.sendText(second.text());
            assertClosedByPeer(ws, 1000, "");
            server.awaitScripts(WAIT);
        }
    }

    /** A 4-byte character split at each of its three inner boundaries, and a 3-byte one at its two. */
    @ParameterizedTest(name = "{0} split after byte {1}")
    @CsvSource({
        "f0 9f 98 80, 1", "f0 9f 98 80, 2", "f0 9f 98 80, 3",
        "f4 8f bf bf, 1", "f4 8f bf bf, 2", "f4 8f bf bf, 3",
        "e2 82 ac, 1", "e2 82 ac, 2",
    })
    void aMultiByteCharacterSplitAcrossTwoFragmentsArrivesWhole(String hex, int split) throws Exception {
        byte[] character = hex(hex);
        byte[] payload = concat(utf8("a"), character, utf8("b"));
        byte[] first = Arrays.copyOfRange(payload, 0, 1 + split);
        byte[] second = Arrays.copyOfRange(payload, 1 + split, payload.length);
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendRaw(concat(frame(TEXT, false, first), frame(CONTINUATION, true, second)));
            expectEcho(c, TEXT, payload);
            closeAndExpectEcho(c, 1000, "");
        }); FrameSocket ws = connectAndGo(server)) {
            Message message = ws.readMessage();
            assertEquals(new String(payload, UTF_8), message.text());
            ws.sendText(message.text());
            assertClosedByPeer(ws, 1000, "");
            server.awaitScripts(WAIT);
        }
    }

    /** Autobahn 6.3.1 and 6.6-6.21: invalid UTF-8 in a single text frame fails the connection with 1007. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64", // κόσμε, a surrogate, "edited"
        "80", "bf", "80 bf 80 bf",                          // continuation bytes without a start
        "c0 20", "e0 20", "f0 20", "e0 80 20",              // start bytes followed by a space
        "c2", "e0 a0", "f0 90 80", "61 62 63 f0 9f 98",     // the last byte(s) missing at the end
        "fe", "ff", "fe fe ff ff",                          // bytes that never appear in UTF-8
        "c0 af", "e0 80 af", "f0 80 80 af", "f8 80 80 80 af", // overlong "/"
        "c1 bf", "e0 9f bf", "f0 8f bf bf",                 // maximal overlong forms
        "c0 80", "e0 80 80",                                // overlong NUL
        "ed a0 80", "ed ad bf", "ed ae 80", "ed af bf", "ed b0 80", "ed be 80", "ed bf bf", // lone surrogates
        "ed a0 80 ed b0 80", "ed af bf ed bf bf",           // surrogate pairs encoded one by one (CESU-8)
        "f4 90 80 80", "f7 bf bf bf", "f8 88 80 80 80", "fc 84 80 80 80 80", // above U+10FFFF, 5 and 6 bytes
    })
    void invalidUtf8InOneTextFrameFailsTheConnectionWith1007(String hex) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendText("before");
            c.sendFrame(TEXT, true, hex(hex));
            expectFailure(c, 1007);
        }); FrameSocket ws = connectAndGo(server)) {
            assertEquals("before", ws.readMessage().text(), "nothing before the failure is lost");
            assertFailed(ws, "invalid utf-8");
            server.awaitScripts(WAIT);
        }
    }

    /**
     * Autobahn 6.3.2: κόσμε, a surrogate and "edited" in one-byte fragments. readFrame returns the
     * valid characters before the bad sequence, then the failure.
     */
    @Test
    void invalidUtf8InOneByteFragmentsFailsTheConnectionAfterTheValidCharacters() throws Exception {
        byte[] payload = hex("ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64");
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < payload.length; i++) {
            frames.writeBytes(frame(i == 0 ? TEXT : CONTINUATION, i == payload.length - 1, new byte[] {payload[i]}));
        }
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendRaw(frames.toByteArray());
            expectFailure(c, 1007);
        }); FrameSocket ws = connectAndGo(server)) {
            StringBuilder valid = new StringBuilder();
            while (valid.length() < KOSME.length()) {
                Frame part = ws.readFrame();
                assertTrue(part.isText() && !part.isFinal(), part.toString());
                valid.append(part.text());
            }
            assertEquals(KOSME, valid.toString(), "every character before the bad sequence arrives");
            assertFailed(ws, "invalid utf-8");
            server.awaitScripts(WAIT);
        }
    }

    /**
     * Autobahn 6.4.1 and 6.4.2: a fragmented message whose second fragment cannot be UTF-8. The
     * client must fail at once: the script never sends the third fragment, and the client fails
     * anyway. readFrame returns the first fragment's text first.
     */
    @ParameterizedTest(name = "{1} after {0}")
    @CsvSource({
        "'ce ba e1 bd b9 cf 83 ce bc ce b5', 'f4 90 80 80'",
        "'ce ba e1 bd b9 cf 83 ce bc ce b5 f4', '90 80 80'",
    })
    void invalidUtf8InAMiddleFragmentFailsTheConnectionWithoutWaitingForTheRest(String first, String second) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendRaw(concat(frame(TEXT, false, hex(first)), frame(CONTINUATION, false, hex(second))));
            expectFailure(c, 1007); // fragment 3, "edited", is never sent
        }); FrameSocket ws = connectAndGo(server)) {
            assertTextPart(ws.readFrame(), Opcode.TEXT, false, KOSME);
            assertFailed(ws, "invalid utf-8");
            server.awaitScripts(WAIT);
        }
    }

    /**
     * Autobahn 6.4.3 and 6.4.4: one text frame announced with 23 bytes, of which only the first 15
     * (valid text, then a sequence that cannot be UTF-8) are sent. The client fails before the rest
     * of the frame arrives.
     */
    @Test
    void invalidUtf8FailsTheConnectionBeforeTheRestOfTheFrameArrives() throws Exception {
        byte[] sent = hex("ce ba e1 bd b9 cf 83 ce bc ce b5 f4 90 80 80");
        byte[] header = {(byte) 0x81, 23};
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendRaw(concat(header, sent));
            expectFailure(c, 1007); // the other 8 bytes are never sent
        }); FrameSocket ws = connectAndGo(server)) {
            assertFailed(ws, "invalid utf-8");
            server.awaitScripts(WAIT);
        }
    }

    /** A character whose last byte is missing at the end of the final fragment fails the connection with 1007. */
    @Test
    void aTruncatedSequenceAtTheEndOfTheFinalFragmentFailsTheConnection() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendRaw(concat(frame(TEXT, false, hex("61 62 63 f0 9f")), frame(CONTINUATION, true, hex("98"))));
            expectFailure(c, 1007);
        }); FrameSocket ws = connectAndGo(server)) {
            assertTextPart(ws.readFrame(), Opcode.TEXT, false, "abc");
            assertFailed(ws, "invalid utf-8");
            server.awaitScripts(WAIT);
        }
    }

    /**
     * Autobahn 7.5.1: a Close reason that is not UTF-8 fails the connection. RFC 6455 suggests 1007
     * for inconsistent data; the JDK decides to send 1002 here, and the peer's code is not reported:
     * the status is 1006.
     */
    @Test
    void invalidUtf8InACloseReasonFailsTheConnection() throws Exception {
        byte[] payload = concat(new byte[] {0x03, (byte) 0xE8}, hex("ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64"));
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendText("before");
            c.sendFrame(CLOSE, true, payload);
            expectFailure(c, 1002);
        }); FrameSocket ws = connectAndGo(server)) {
            assertEquals("before", ws.readMessage().text());
            assertFailed(ws, "close reason");
            server.awaitScripts(WAIT);
        }
    }

    /** Binary payloads and Ping payloads are not text: bytes that are not UTF-8 arrive and are answered unchanged. */
    @Test
    void bytesThatAreNotUtf8AreFineInBinaryMessagesAndPings() throws Exception {
        byte[] notUtf8 = hex("ed a0 80 c0 af fe ff 80");
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            c.sendPing(notUtf8);
            assertEquals(ClientFrame.of(PONG, true, notUtf8), c.readFrame(WAIT));
            c.sendBinary(notUtf8);
            expectEcho(c, BINARY, notUtf8);
            closeAndExpectEcho(c, 1000, "");
        }); FrameSocket ws = connectAndGo(server)) {
            Message message = ws.readMessage();
            assertEquals(Opcode.BINARY, message.type());
            assertArrayEquals(notUtf8, message.bytes());
            ws.sendBinary(ByteBuffer.wrap(message.bytes()));
            assertClosedByPeer(ws, 1000, "");
            server.awaitScripts(WAIT);
        }
    }

    /**
     * The client never sends invalid UTF-8: text with an unpaired surrogate, which has no UTF-8
     * form, is refused before anything is sent, and the connection stays usable.
     */
    @Test
    void theClientRefusesToSendTextThatHasNoUtf8Form() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(c -> {
            awaitGo(c);
            expectEcho(c, TEXT, utf8("after"));
            assertEquals(ClientFrame.of(PING, true, utf8("after")), c.readFrame(WAIT));
            c.sendPong(utf8("after"));
            closeAndExpectEcho(c, 1000, "");
        }); FrameSocket ws = connectAndGo(server)) {
            assertThrows(IllegalArgumentException.class, () -> ws.sendText("lone \uD800 surrogate"));
            assertThrows(IllegalArgumentException.class, () -> ws.sendFrame("\uDC00", true));
            assertThrows(IllegalArgumentException.class, () -> ws.sendPing("\uD800"));
            ws.sendText("after");
            ws.sendPing("after");
            assertClosedByPeer(ws, 1000, "");
            server.awaitScripts(WAIT);
        }
    }
}
