package dev.framewire.examples;

import dev.framewire.CloseStatus;
import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.testing.JettyEchoServer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;

/**
 * The Chilkat sample "Send a WebSocket Ping Control Frame" in framewire, step by step: send a
 * text message as three frames with a Ping between the first two, read the echo frame by frame
 * until the final one (the Pong is consumed automatically), close with 1000 and read the peer's
 * close status and reason.
 *
 * <p>With no argument it starts an embedded Jetty echo server on 127.0.0.1 that echoes frame by
 * frame like the Chilkat server; with a {@code ws://} or {@code wss://} URL it runs against that
 * server instead. Run it with {@code mvn -q -Dsample test-compile exec:java} (the pom's {@code sample}
 * profile: this class and the echo server only, without the test frameworks).
 */
public final class PingMidMessage {

    private PingMidMessage() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            run(URI.create(args[0]), System.out);
            return;
        }
        try (JettyEchoServer server = JettyEchoServer.start()) {
            run(server.uri(), System.out);
        }
    }

    /** Runs the sample against {@code uri}, printing what the Chilkat sample prints. */
    public static void run(URI uri, PrintStream out) throws IOException {
        // PongAutoConsume is on by default: a Pong never comes out of readFrame.
        try (FrameSocket ws = FrameSocket.newBuilder()
                .pongAutoConsume(true)
                .readTimeout(Duration.ofSeconds(10))
                .connect(uri)) {

            // tag::sample[]
            // Send a multi-frame message, with a Ping between the 1st and 2nd frames.
            ws.sendFrame("This is the 1st frame\r\n", false);
            ws.sendPing("This is a ping");
            ws.sendFrame("This is the 2nd frame\r\n", false);
            ws.sendFrame("This is the 3rd and final frame\r\n", true);

            // Read frames until the final one; the server may also answer in one final frame.
            StringBuilder received = new StringBuilder();
            Frame frame;
            do {
                frame = ws.readFrame();
                received.append(frame.text());
                out.println("Frame opcode: " + frame.opcode());
                out.println("Final frame: " + frame.isFinal());
                out.println("--");
            } while (!frame.isFinal());
            out.println("Received: " + received);

            // Close, then read the peer's Close.
            ws.sendClose(1000, "Closing this websocket.");
            Frame close = ws.readFrame();
            CloseStatus status = ws.closeStatus().orElseThrow();
            out.println("Received opcode: " + close.opcode());
            out.println("Received close status code: " + status.code());
            out.println("Echoed close reason: " + status.reason());
            out.println("Success.");
            // end::sample[]
        }
    }
}
