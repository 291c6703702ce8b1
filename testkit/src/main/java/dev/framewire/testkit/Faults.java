package dev.framewire.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What real servers do that tests forget, by name, each a one-liner:
 * {@code ScriptedServer.start(Faults.closeWithoutStatus())}. Each method returns either the
 * {@link Handshake} or the {@link Script} of the fault; {@link ScriptedServer#start(Handshake)},
 * {@link ScriptedServer#start(Script)} and {@link ScriptedServer#enqueue} take either.
 */
public final class Faults {

    /** How many messages {@link #greetingBurst()} sends. */
    public static final int BURST_MESSAGES = 1024;
    /** The length of each message of {@link #greetingBurst()}, in bytes: 1,024 of them make 64 KiB. */
    public static final int BURST_MESSAGE_LENGTH = 64;

    private Faults() {
    }

    /**
     * {@return a 101 with these text messages right behind it, in the same write}: a server that
     * speaks first, as chat and market-data servers do; the connection is then held
     *
     * @param messages the text messages, in order
     */
    public static Handshake greetingBehindThe101(String... messages) {
        return Handshake.accept().greeting(List.of(messages).stream().map(WireFrame::text).toArray(WireFrame[]::new));
    }

    /**
     * {@return a 101 with {@value #BURST_MESSAGES} text messages right behind it, in the same
     * write: {@link #burstMessage(int) burstMessage(0)} to {@code burstMessage(1023)}, 64 KiB}
     * Over 16 KiB behind a 101 is what makes {@code java.net.http} lose whole 16 KiB socket reads
     * in about one connection in a hundred (JDK 17 to 25): messages vanish silently, or the start
     * of one arrives joined to the end of a later one. For tests that prove their protocol notices,
     * by the sequence number each message carries. Nothing is sent after it, so a gap stays a gap.
     */
    public static Handshake greetingBurst() {
        List<WireFrame> frames = new ArrayList<>();
        for (int n = 0; n < BURST_MESSAGES; n++) {
            frames.add(WireFrame.text(burstMessage(n)));
        }
        return Handshake.accept().greeting(frames.toArray(WireFrame[]::new));
    }

    /**
     * {@return message number {@code n} of {@link #greetingBurst()}: {@code "burst 0007 "} and padding, 64 ASCII bytes}
     *
     * @param n the message's number, 0 to 1023
     */
    public static String burstMessage(int n) {
        if (n < 0 || n >= BURST_MESSAGES) {
            throw new IllegalArgumentException("a burst has messages 0 to " + (BURST_MESSAGES - 1) + ", not " + n);
        }
        StringBuilder message = new StringBuilder(String.format("burst %04d ", n));
        for (int i = 0; message.length() < BURST_MESSAGE_LENGTH; i++) {
            message.append((char) ('a' + (n + i) % 26)); // differs between messages, so a splice shows
        }
        return message.toString();
    }

    /**
     * {@return a refusal of the upgrade with {@code status} and a {@code Retry-After} of {@code retryAfter}}
     * (whole seconds, rounded up), as an overloaded server or a rate limiter answers
     *
     * @param status the HTTP status, such as 429 or 503
     * @param retryAfter the delay the client is asked to wait
     */
    public static Handshake refusedUpgrade(int status, Duration retryAfter) {
        return Handshake.refuse(status).retryAfter(retryAfter).body("try again later");
    }

    /** {@return a script that closes TCP (FIN) right after the upgrade, without a Close frame: the client must report 1006} */
    public static Script vanishWithoutClose() {
        return ServerConnection::closeTcp;
    }

    /**
     * {@return a script that sends nothing, and after {@code delay} closes TCP (FIN) without a Close frame}
     *
     * @param delay how long to wait
     */
    public static Script vanishWithoutClose(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        return connection -> {
            TimeUnit.NANOSECONDS.sleep(delay.toNanos());
            connection.closeTcp();
        };
    }

    /**
     * {@return a script that never reads or sends again but keeps TCP open}: a server whose host
     * crashed or whose route was cut, as the client sees it. Nothing but the client's own keepalive
     * (a Ping that gets no Pong) or a read timeout notices.
     */
    public static Script vanishSilently() {
        return connection -> {
            connection.stopReading();
            connection.awaitClientClosed(Script.HOLD); // waits at the stopped reader until the server closes
        };
    }

    /**
     * {@return a script that sends a Close without a status code (an empty payload), then waits for
     * the client's Close}: the client must report 1005
     */
    public static Script closeWithoutStatus() {
        return connection -> {
            connection.sendCloseWithoutStatus();
            connection.awaitClientClosed(ReceivedFrames.DEFAULT_TIMEOUT);
        };
    }

    /**
     * {@return a script that sends one text message one byte per write, pausing
     * {@code betweenBytes} before each byte after the first}, then holds the connection: a slow
     * link, or a server that flushes too eagerly
     *
     * @param message the text message
     * @param betweenBytes the pause before each byte after the first
     */
    public static Script slowTrickle(String message, Duration betweenBytes) {
        Objects.requireNonNull(message, "message");
        Writes trickle = Writes.oneBytePerWrite().pausing(betweenBytes);
        return connection -> {
            connection.writes(trickle);
            connection.sendText(message);
            connection.writes(Writes.whole());
            connection.awaitClientClosed(Script.HOLD);
        };
    }

    /**
     * {@return an echo whose reading stalls for {@code stall} first}: the client's sends fill the
     * socket buffers and block, then the echo catches up, as after a server's long pause
     *
     * @param stall how long reading stalls
     */
    public static Script stalledReader(Duration stall) {
        Objects.requireNonNull(stall, "stall");
        return connection -> {
            connection.stopReading();
            TimeUnit.NANOSECONDS.sleep(stall.toNanos());
            connection.resumeReading();
            connection.echoUntilClosed();
        };
    }

    /** {@return a script that sends the first half of a 1,000-byte binary frame and then closes TCP (FIN)} */
    public static Script dropMidFrame() {
        return connection -> {
            connection.sendPartOf(WireFrame.binary(new byte[1000]), 500);
            connection.closeTcp();
        };
    }

    /** {@return a script that sends the first half of a 1,000-byte binary frame and then resets TCP (RST)} */
    public static Script resetMidFrame() {
        return connection -> {
            connection.sendPartOf(WireFrame.binary(new byte[1000]), 500);
            connection.resetTcp();
        };
    }
}
