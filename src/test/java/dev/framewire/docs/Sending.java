package dev.framewire.docs;

import dev.framewire.FrameSocket;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The code of docs/sending.md. */
final class Sending {

    private Sending() {
    }

    static String fragments(URI uri) throws IOException {
        try (FrameSocket ws = FrameSocket.connect(uri)) {
            // tag::fragments[]
            ws.sendFrame("This is the 1st frame\r\n", false);          // TEXT, not final
            ws.sendPing("This is a ping");                              // control frames may come between
            ws.sendFrame("This is the 2nd frame\r\n", false);          // CONTINUATION
            ws.sendFrame("This is the 3rd and final frame\r\n", true); // CONTINUATION, final
            // end::fragments[]
            return ws.readMessage(Duration.ofSeconds(5)).text();
        }
    }

    static byte[] binary(URI uri) throws IOException {
        try (FrameSocket ws = FrameSocket.connect(uri)) {
            // tag::binary[]
            byte[] header = {0x01, 0x02};
            ByteBuffer body = ByteBuffer.wrap("body".getBytes(StandardCharsets.UTF_8));
            ws.sendFrame(header, false);   // BINARY, not final
            ws.sendFrame(body, true);      // CONTINUATION, final; body's position moves to its limit
            ws.sendBinary(ByteBuffer.wrap(new byte[] {42}));   // a whole message in one call
            // end::binary[]
            byte[] first = ws.readMessage(Duration.ofSeconds(5)).bytes();
            ws.readMessage(Duration.ofSeconds(5));
            return first;
        }
    }

    static String mixingIsRefused(URI uri) throws IOException {
        try (FrameSocket ws = FrameSocket.connect(uri)) {
            // tag::refused[]
            ws.sendFrame("part 1 ", false);
            try {
                ws.sendText("a whole message");          // not inside an unfinished message
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());     // "... finish it first with sendFrame(text, true)"
            }
            ws.sendFrame("part 2", true);                // finishing the message is fine
            // end::refused[]
            return ws.readMessage(Duration.ofSeconds(5)).text();
        }
    }

    static String surrogates(URI uri) throws IOException {
        try (FrameSocket ws = FrameSocket.connect(uri)) {
            // tag::surrogates[]
            String emoji = "\uD83D\uDE00";               // one code point, two chars
            ws.sendFrame("smile " + emoji.charAt(0), false); // the high surrogate is held back...
            ws.sendFrame(emoji.charAt(1) + "!", true);       // ...and sent with its low surrogate
            // end::surrogates[]
            return ws.readMessage(Duration.ofSeconds(5)).text();
        }
    }
}
