package dev.framewire.docs;

import dev.framewire.FrameSocket;
import dev.framewire.MessageStream;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/** The code of docs/streaming.md. */
final class Streaming {

    private Streaming() {
    }

    /** Sends {@code file} as one binary message; the echo comes back into {@code copy}. */
    static void sendAndReceiveFile(FrameSocket ws, Path file, Path copy) throws IOException {
        // tag::send-file[]
        try (OutputStream message = ws.sendStream();          // one binary message
             InputStream in = Files.newInputStream(file)) {
            in.transferTo(message);                            // 64 KiB frames as the buffer fills
        }                                                      // close() sends the final frame
        // end::send-file[]
        // tag::receive-file[]
        try (MessageStream message = ws.readMessageStream()) { // waits for the message to start
            Files.copy(message, copy);                         // part by part, as it arrives
        }
        // end::receive-file[]
    }

    /** Reads the next message into a SHA-256 digest, never holding it whole. */
    static String digestOfNextMessage(FrameSocket ws) throws IOException, NoSuchAlgorithmException {
        // tag::digest[]
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        try (MessageStream message = ws.readMessageStream(Duration.ofSeconds(30));
             InputStream digesting = new DigestInputStream(message, sha256)) {
            digesting.transferTo(OutputStream.nullOutputStream());
        }
        String hex = HexFormat.of().formatHex(sha256.digest());
        // end::digest[]
        return hex;
    }

    /** Sends lines through a Writer and reads them back through a Reader. */
    static List<String> textLines(FrameSocket ws, List<String> lines) throws IOException {
        // tag::text[]
        try (Writer out = ws.sendWriter()) {                   // one text message
            for (String line : lines) {
                out.write(line);
                out.write('\n');
            }
        }
        try (MessageStream message = ws.readMessageStream();
             BufferedReader in = new BufferedReader(message.reader())) {
            return in.lines().toList();
        }
        // end::text[]
    }
}
