package dev.framewire.testing;

import dev.framewire.testkit.Handshake;
import dev.framewire.testkit.Script;
import dev.framewire.testkit.ScriptedServer;

import java.io.IOException;
import java.net.SocketException;

/**
 * Servers that speak first, for the tests of the JDK's greeting loss (docs/jdk-defects.md): each
 * answers the opening handshake with a 101 and, in the same write, a greeting of ready-made frames,
 * then sends nothing more and reads and discards what the client sends until it closes the
 * connection (its Close unanswered). So a client that lost part of the greeting waits for bytes that
 * never come, and no later byte can fill the gap and make a damaged message look complete.
 */
public final class Greetings {

    private Greetings() {
    }

    /**
     * {@return a running server that sends {@code greeting} behind every 101, in the same write}
     *
     * @param greeting the encoded frames
     */
    public static ScriptedServer server(byte[] greeting) throws IOException {
        return server(greeting, 0);
    }

    /**
     * {@return a running server whose 101 responses differ in length}: the {@code n}th connection's
     * (from 0) carries a header {@code X-Pad} of {@code n % headPadCycle} characters. Where in the
     * greeting a socket read ends, and so where a lost read cuts it, moves with the length of the
     * response in front of it; real responses vary too (dates, cookies).
     *
     * @param greeting the encoded frames to send right behind every 101, in the same write
     * @param headPadCycle how many lengths to cycle through; 0 for no {@code X-Pad}
     */
    public static ScriptedServer server(byte[] greeting, int headPadCycle) throws IOException {
        Handshake accept = Handshake.accept().greeting(greeting);
        return ScriptedServer.newBuilder().handshake(Handshake.byScript()).start(connection -> {
            try {
                connection.answer(headPadCycle <= 0 ? accept
                        : accept.header("X-Pad", "p".repeat((connection.id() - 1) % headPadCycle)));
            } catch (SocketException gone) {
                return; // a client that saw its greeting damaged may abort before the server wrote it all
            }
            connection.awaitClientClosed(Script.HOLD);
        });
    }
}
