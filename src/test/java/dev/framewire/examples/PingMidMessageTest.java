package dev.framewire.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.framewire.testing.JettyEchoServer;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PingMidMessageTest {

    @Test
    void printsTheChilkatSampleLinesAgainstTheEmbeddedEchoServer() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JettyEchoServer server = JettyEchoServer.start();
             PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            PingMidMessage.run(server.uri(), out);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of(
                "Frame opcode: TEXT", "Final frame: false", "--",
                "Frame opcode: CONTINUATION", "Final frame: false", "--",
                "Frame opcode: CONTINUATION", "Final frame: true", "--",
                "Received: This is the 1st frame",
                "This is the 2nd frame",
                "This is the 3rd and final frame",
                "",
                "Received opcode: CLOSE",
                "Received close status code: 1000",
                "Echoed close reason: Closing this websocket.",
                "Success."), lines);
    }
}
