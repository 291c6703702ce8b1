package dev.framewire.docs;

import dev.framewire.Frame;
import dev.framewire.FrameSocket;

import java.io.IOException;
import java.net.URI;

/** The example in README.md. */
final class Readme {

    private Readme() {
    }

    static void tenLines(URI uri) throws IOException {
        // tag::ten-lines[]
        try (FrameSocket ws = FrameSocket.connect(uri)) {      // e.g. ws://localhost:8080/echo
            ws.sendFrame("This is the 1st frame\r\n", false);
            ws.sendPing("This is a ping");                      // between two frames of one message
            ws.sendFrame("This is the 3rd and final frame\r\n", true);
            for (Frame f = ws.readFrame(); ; f = ws.readFrame()) {
                System.out.println(f.opcode() + " final=" + f.isFinal() + ": " + f.text());
                if (f.isFinal()) break;
            }
            ws.sendClose(1000, "Closing this websocket.");
            System.out.println(ws.readFrame().opcode() + " " + ws.closeStatus().orElseThrow());
        }
        // end::ten-lines[]
    }
}
