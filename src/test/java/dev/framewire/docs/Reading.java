package dev.framewire.docs;

import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.Message;
import dev.framewire.Opcode;
import dev.framewire.ReadTimeoutException;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/** The code of docs/reading.md. */
final class Reading {

    private Reading() {
    }

    static String frames(URI uri) throws IOException {
        try (FrameSocket ws = FrameSocket.connect(uri)) {
            ws.sendFrame("Hello, ", false);
            ws.sendFrame("world", true);
            // tag::frames[]
            StringBuilder message = new StringBuilder();
            Frame frame;
            do {
                frame = ws.readFrame(Duration.ofSeconds(5));
                System.out.println(frame.opcode() + " final=" + frame.isFinal()); // TEXT, then CONTINUATION
                message.append(frame.text());
            } while (!frame.isFinal());
            // end::frames[]
            return message.toString();
        }
    }

    static String messages(URI uri) throws IOException {
        try (FrameSocket ws = FrameSocket.connect(uri)) {
            ws.sendText("one");
            ws.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
            StringBuilder seen = new StringBuilder();
            // tag::messages[]
            for (int i = 0; i < 2; i++) {
                Message m = ws.readMessage(Duration.ofSeconds(5));   // all parts, joined
                if (m.type() == Opcode.TEXT) {
                    seen.append(m.text());
                } else {
                    seen.append(m.bytes().length).append(" bytes");
                }
            }
            // end::messages[]
            return seen.toString();
        }
    }

    static boolean timeout(URI uri) throws IOException {
        try (FrameSocket ws = FrameSocket.connect(uri)) {
            // tag::timeout[]
            try {
                ws.readFrame(Duration.ofMillis(200));
            } catch (ReadTimeoutException nothingYet) {
                // The connection is still open and nothing was lost: try again later.
            }
            // end::timeout[]
            return ws.isOpen();
        }
    }

    static String spin(URI uri) throws IOException {
        // tag::spin[]
        try (FrameSocket ws = FrameSocket.newBuilder()
                .readSpin(Duration.of(200, ChronoUnit.MICROS)) // about one round trip to this server
                .connect(uri)) {
            ws.sendText("ping?");
            return ws.readMessage().text(); // waits actively for up to 200 µs, then blocks
        }
        // end::spin[]
    }
}
