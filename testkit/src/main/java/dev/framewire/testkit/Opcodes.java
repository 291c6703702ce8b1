package dev.framewire.testkit;

import java.nio.charset.StandardCharsets;

/** How frames show in failure messages: opcode names, and payloads short enough to read. */
final class Opcodes {

    /** The longest text payload shown as text; longer ones show as a byte count. */
    private static final int SHOWN_TEXT = 100;

    private Opcodes() {
    }

    static String name(int opcode) {
        return switch (opcode) {
            case WireFrame.CONTINUATION -> "CONTINUATION";
            case WireFrame.TEXT -> "TEXT";
            case WireFrame.BINARY -> "BINARY";
            case WireFrame.CLOSE -> "CLOSE";
            case WireFrame.PING -> "PING";
            case WireFrame.PONG -> "PONG";
            default -> "opcode " + opcode;
        };
    }

    static String describe(int opcode, byte[] payload) {
        if (opcode == WireFrame.CLOSE && payload.length >= 2) {
            return ((payload[0] & 0xFF) << 8 | (payload[1] & 0xFF)) + " \""
                    + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) + '"';
        }
        if ((opcode == WireFrame.TEXT || opcode == WireFrame.CONTINUATION || opcode == WireFrame.PING
                || opcode == WireFrame.PONG) && payload.length <= SHOWN_TEXT) {
            return '"' + new String(payload, StandardCharsets.UTF_8) + '"';
        }
        return payload.length + " bytes";
    }
}
