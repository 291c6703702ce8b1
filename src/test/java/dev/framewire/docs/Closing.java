package dev.framewire.docs;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;
import dev.framewire.Frame;
import dev.framewire.FrameSocket;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/** The code of docs/closing.md. */
final class Closing {

    private Closing() {
    }

    static CloseStatus clientCloses(URI uri) throws IOException {
        try (FrameSocket ws = FrameSocket.connect(uri)) {
            // tag::client-closes[]
            ws.sendClose(1000, "Closing this websocket.");
            Frame close = ws.readFrame(Duration.ofSeconds(5));     // the peer's answer: a CLOSE frame
            CloseStatus status = ws.closeStatus().orElseThrow();   // 1000 "Closing this websocket."
            // end::client-closes[]
            System.out.println(close.opcode() + " " + status);
            return status;
        }
    }

    static CloseStatus readUntilClosed(FrameSocket ws) throws IOException {
        // tag::read-until-closed[]
        try {
            while (true) {
                System.out.println(ws.readMessage().text());
            }
        } catch (ConnectionClosedException end) {
            CloseStatus how = end.closeStatus();   // the peer's code, 1005 without one, 1006 if it vanished
            System.out.println("closed: " + how);
            return how;
        }
        // end::read-until-closed[]
    }

    static boolean tryWithResources(URI uri) throws IOException {
        FrameSocket kept;
        // tag::try-with-resources[]
        try (FrameSocket ws = FrameSocket.newBuilder()
                .closeTimeout(Duration.ofSeconds(2))   // how long close() waits for the peer's Close
                .connect(uri)) {
            ws.sendText("bye");
            kept = ws;
        } // close(): sends Close 1000, waits for the answer, aborts if none comes
        // end::try-with-resources[]
        return kept.isOpen();
    }
}
