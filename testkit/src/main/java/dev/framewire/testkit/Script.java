package dev.framewire.testkit;

import java.time.Duration;

/**
 * What the server does on one connection once the opening handshake is answered: the test's
 * story of the server, told to a {@link ServerConnection}. Runs on a thread of its own, one per
 * connection; anything it throws fails the test (see {@link ScriptedServer#awaitScripts}). When
 * it returns, the server half-closes the connection and gives the client a moment to close its
 * side.
 *
 * <pre>{@code
 * Script greetThenEcho = connection -> {
 *     connection.sendText("welcome");
 *     connection.echoUntilClosed();
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Script {

    /** How long {@link #holdUntilClientCloses()} holds a connection: longer than any test. */
    Duration HOLD = Duration.ofHours(1);

    /**
     * Plays this script on one connection.
     *
     * @param connection the server side of the connection
     * @throws Exception anything, which fails the test
     */
    void run(ServerConnection connection) throws Exception;

    /** {@return a script that echoes, see {@link ServerConnection#echoUntilClosed()}} */
    static Script echo() {
        return ServerConnection::echoUntilClosed;
    }

    /**
     * {@return a script that sends nothing and keeps the connection until the client closes it}
     * (or the server stops): what the client sends is read and discarded, Pings go unanswered,
     * and the client's Close is answered with its code, see {@link ServerConnection#awaitCloseAndAnswer}
     */
    static Script holdUntilClientCloses() {
        return connection -> connection.awaitCloseAndAnswer(HOLD);
    }
}
