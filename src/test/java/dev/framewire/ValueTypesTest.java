package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * The public value types users build themselves (in their own tests, or to compare what they
 * read): {@link Frame}, {@link Message}, {@link Opcode} and {@link CloseStatus}, without a
 * connection. The end-to-end tests only read them; these make and compare them.
 */
class ValueTypesTest {

    @Test
    void opcodesCarryTheirWireCodesBothWays() {
        int[] codes = {0, 1, 2, 8, 9, 10};
        Opcode[] all = Opcode.values();
        for (int i = 0; i < all.length; i++) {
            assertEquals(codes[i], all[i].code());
            assertEquals(all[i], Opcode.of(codes[i]));
            assertEquals(codes[i] >= 8, all[i].isControl(), all[i].toString());
        }
        for (int notAnOpcode : new int[] {3, 7, 11, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Opcode.of(notAnOpcode));
            assertEquals("Not a WebSocket opcode: " + notAnOpcode, e.getMessage());
        }
    }

    @Test
    void closeCodesAreTwoBytes() {
        assertEquals(0, CloseStatus.of(0, "").code());
        assertEquals(0xFFFF, CloseStatus.of(0xFFFF, "x").code());
        assertEquals("x", CloseStatus.of(0xFFFF, "x").reason());
        assertThrows(IllegalArgumentException.class, () -> new CloseStatus(-1, ""));
        assertThrows(IllegalArgumentException.class, () -> new CloseStatus(0x10000, ""));
        assertThrows(NullPointerException.class, () -> new CloseStatus(1000, null));
        assertEquals("1000", new CloseStatus(1000, "").toString());
        assertEquals("1001 \"bye\"", new CloseStatus(1001, "bye").toString());
    }

    @Test
    void aTextFrameIsTextOrContinuation() {
        Frame first = Frame.ofText(Opcode.TEXT, "h\u00e9", false);
        assertEquals(Opcode.TEXT, first.opcode());
        assertFalse(first.isFinal());
        assertTrue(first.isText());
        assertEquals("h\u00e9", first.text());
        assertArrayEquals("h\u00e9".getBytes(StandardCharsets.UTF_8), first.bytes());
        assertEquals(ByteBuffer.wrap("h\u00e9".getBytes(StandardCharsets.UTF_8)), first.payload());
        assertEquals(Optional.empty(), first.closeStatus());
        assertEquals("Frame[TEXT, not final, 2 chars]", first.toString());
        assertEquals(Opcode.CONTINUATION, Frame.ofText(Opcode.CONTINUATION, "", true).opcode());
        for (Opcode other : new Opcode[] {Opcode.BINARY, Opcode.PING, Opcode.CLOSE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Frame.ofText(other, "x", true));
            assertEquals("A text part has opcode TEXT or CONTINUATION, not " + other, e.getMessage());
        }
    }

    @Test
    void aBinaryFrameOwnsACopyOfItsBytes() {
        byte[] data = {1, 2, 3};
        Frame fromArray = Frame.ofBinary(Opcode.BINARY, data, true);
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {0, 1, 2, 3}).position(1);
        Frame fromBuffer = Frame.ofBinary(Opcode.BINARY, buffer, true);
        assertEquals(1, buffer.position(), "the caller's buffer is not consumed");
        data[0] = 9;
        buffer.put(1, (byte) 9);
        assertArrayEquals(new byte[] {1, 2, 3}, fromArray.bytes());
        assertArrayEquals(new byte[] {1, 2, 3}, fromBuffer.bytes());
        fromArray.bytes()[0] = 7;
        assertArrayEquals(new byte[] {1, 2, 3}, fromArray.bytes(), "bytes() hands out a copy");
        assertFalse(fromArray.isText());
        assertTrue(fromArray.isFinal());
        assertEquals("Frame[BINARY, final, 3 bytes]", fromArray.toString());
        assertThrows(ReadOnlyBufferException.class, () -> fromArray.payload().put(0, (byte) 7));
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), fromArray.payload());
        assertEquals(0, Frame.ofBinary(Opcode.CONTINUATION, ByteBuffer.allocate(0), false).bytes().length);
        assertEquals("\u00e9", Frame.ofBinary(Opcode.BINARY, "\u00e9".getBytes(StandardCharsets.UTF_8), true).text());
    }

    @Test
    void pingsAndPongsAreFinalAndAtMost125Bytes() {
        assertEquals(125, Frame.ofBinary(Opcode.PING, new byte[125], true).bytes().length);
        assertEquals(Opcode.PONG, Frame.ofBinary(Opcode.PONG, new byte[0], true).opcode());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> Frame.ofBinary(Opcode.PONG, new byte[126], true));
        assertEquals("A PONG payload is at most 125 bytes, not 126", tooLong.getMessage());
        IllegalArgumentException notFinal = assertThrows(IllegalArgumentException.class,
                () -> Frame.ofBinary(Opcode.PING, new byte[1], false));
        assertEquals("Control frames must be final: PING", notFinal.getMessage());
        for (Opcode other : new Opcode[] {Opcode.TEXT, Opcode.CLOSE}) {
            assertThrows(IllegalArgumentException.class, () -> Frame.ofBinary(other, new byte[1], true));
        }
        assertThrows(NullPointerException.class, () -> Frame.ofBinary(null, new byte[1], true));
    }

    @Test
    void aCloseFrameCarriesItsStatusAsTheWireDoes() {
        Frame close = Frame.ofClose(new CloseStatus(1001, "bye"));
        assertEquals(Opcode.CLOSE, close.opcode());
        assertTrue(close.isFinal());
        assertEquals(Optional.of(new CloseStatus(1001, "bye")), close.closeStatus());
        assertEquals("bye", close.text());
        assertArrayEquals(new byte[] {0x03, (byte) 0xE9, 'b', 'y', 'e'}, close.bytes());
        assertEquals("Frame[CLOSE, final, 1001 \"bye\"]", close.toString());
        assertEquals(0, Frame.ofClose(new CloseStatus(1005, "")).bytes().length, "1005 means no status on the wire");
        assertEquals(0, Frame.ofClose(new CloseStatus(1006, "")).bytes().length, "1006 means no Close at all");
    }

    @Test
    void framesAreEqualByOpcodeFinNessAndPayload() {
        Frame a = Frame.ofText(Opcode.TEXT, "a", true);
        assertEquals(a, Frame.ofText(Opcode.TEXT, "a", true));
        assertEquals(a.hashCode(), Frame.ofText(Opcode.TEXT, "a", true).hashCode());
        assertNotEquals(a, Frame.ofText(Opcode.CONTINUATION, "a", true));
        assertNotEquals(a, Frame.ofText(Opcode.TEXT, "a", false));
        assertNotEquals(a, Frame.ofText(Opcode.TEXT, "b", true));
        assertNotEquals(a, Frame.ofBinary(Opcode.BINARY, new byte[] {'a'}, true));
        assertNotEquals(a, "a");
        Frame b = Frame.ofBinary(Opcode.BINARY, new byte[] {1}, true);
        assertEquals(b, Frame.ofBinary(Opcode.BINARY, new byte[] {1}, true));
        assertEquals(b.hashCode(), Frame.ofBinary(Opcode.BINARY, new byte[] {1}, true).hashCode());
        assertNotEquals(b, Frame.ofBinary(Opcode.BINARY, new byte[] {2}, true));
        assertNotEquals(b.hashCode(), Frame.ofBinary(Opcode.BINARY, new byte[] {2}, true).hashCode());
    }

    @Test
    void closeFramesWithTheSameEmptyPayloadDifferByTheirStatus() {
        Frame noStatus = Frame.ofClose(new CloseStatus(CloseStatus.NO_STATUS_RECEIVED, ""));
        Frame vanished = Frame.ofClose(new CloseStatus(CloseStatus.ABNORMAL_CLOSURE, "vanished"));
        assertArrayEquals(noStatus.bytes(), vanished.bytes(), "both have an empty payload");
        assertNotEquals(noStatus, vanished);
        assertNotEquals(noStatus.hashCode(), vanished.hashCode());
        assertEquals(noStatus, Frame.ofClose(new CloseStatus(1005, "")));
    }

    @Test
    void theCloseCodesAClientMeetsHaveNames() {
        assertEquals(List.of(1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014),
                List.of(CloseStatus.NORMAL_CLOSURE, CloseStatus.GOING_AWAY, CloseStatus.PROTOCOL_ERROR,
                        CloseStatus.UNSUPPORTED_DATA, CloseStatus.NO_STATUS_RECEIVED, CloseStatus.ABNORMAL_CLOSURE,
                        CloseStatus.INVALID_PAYLOAD_DATA, CloseStatus.POLICY_VIOLATION, CloseStatus.MESSAGE_TOO_BIG,
                        CloseStatus.MANDATORY_EXTENSION, CloseStatus.INTERNAL_ERROR, CloseStatus.SERVICE_RESTART,
                        CloseStatus.TRY_AGAIN_LATER, CloseStatus.BAD_GATEWAY));
    }

    @Test
    void messagesAreTextOrBinaryAndEqualByContent() {
        Message text = Message.ofText("h\u00e9");
        assertEquals(Opcode.TEXT, text.type());
        assertEquals("h\u00e9", text.text());
        assertArrayEquals("h\u00e9".getBytes(StandardCharsets.UTF_8), text.bytes());
        assertEquals(ByteBuffer.wrap("h\u00e9".getBytes(StandardCharsets.UTF_8)), text.payload());
        assertEquals("Message[TEXT, 2 chars]", text.toString());

        byte[] data = {'o', 'k'};
        Message binary = Message.ofBinary(data);
        data[0] = 'n';
        assertEquals(Opcode.BINARY, binary.type());
        assertEquals("ok", binary.text());
        assertArrayEquals(new byte[] {'o', 'k'}, binary.bytes(), "ofBinary copied the array");
        binary.bytes()[0] = 'x';
        assertArrayEquals(new byte[] {'o', 'k'}, binary.bytes(), "bytes() hands out a copy");
        assertEquals(ByteBuffer.wrap(new byte[] {'o', 'k'}), binary.payload());
        assertThrows(ReadOnlyBufferException.class, () -> binary.payload().put(0, (byte) 1));
        assertEquals("Message[BINARY, 2 bytes]", binary.toString());

        assertEquals(text, Message.ofText("h\u00e9"));
        assertEquals(text.hashCode(), Message.ofText("h\u00e9").hashCode());
        assertEquals(binary, Message.ofBinary(new byte[] {'o', 'k'}));
        assertEquals(binary.hashCode(), Message.ofBinary(new byte[] {'o', 'k'}).hashCode());
        assertNotEquals(binary, Message.ofText("ok"), "a text and a binary message differ even with the same bytes");
        assertNotEquals(text, Message.ofText("he"));
        assertNotEquals(text.hashCode(), Message.ofText("he").hashCode());
        assertNotEquals(binary, Message.ofBinary(new byte[] {'o'}));
        assertNotEquals(text, "h\u00e9");
        assertThrows(NullPointerException.class, () -> Message.ofText(null));
        assertThrows(NullPointerException.class, () -> Message.ofBinary(null));
    }
}
