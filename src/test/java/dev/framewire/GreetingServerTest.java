package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.Greetings;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.WireFrame;

import java.io.ByteArrayOutputStream;
import java.net.ProtocolException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Servers that speak first: a message in the same TCP write as the 101 response.
 *
 * <p>{@code java.net.http} (17 and 25) can lose whole 16 KiB socket reads in that case: the
 * selector thread is still offering the rest of one read to the HTTP/1.1 receiver when another
 * thread stops and drains that receiver for the WebSocket (docs/jdk-defects.md). framewire
 * cannot repair the JDK, but its shared client must not make the race likelier than the JDK's
 * own default client does; with an inline executor it did, 12 to 25 % of connections against
 * about 1 %. This test measures both in the same run, on the same servers, interleaved, and
 * compares them; and every message that does arrive must be byte-exact.
 *
 * <p>Two greetings: one 64 KiB text frame, and a binary message in four frames of 20 KiB. A lost
 * read leaves the message incomplete (the server sends nothing after the greeting, so nothing can
 * fill the gap), which shows as a read timeout; in the binary message it can also make the JDK
 * read a frame header inside payload, and every payload byte has the RSV1 bit set, so that ends
 * at once with a protocol error. Either way the message counts as lost.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GreetingServerTest {

    /** Connections per client; half get the text greeting, half the binary one. */
    private static final int ROUNDS = Integer.getInteger("framewire.greetingRounds", 300);
    /**
     * A greeting not complete this long after the handshake is lost. It is in the socket before
     * the handshake completes and takes milliseconds to read; a lost one costs this long, and
     * the JDK's client loses up to 8 % (docs/jdk-defects.md), so the timeout sets the runtime.
     * A spurious timeout (a long GC pause) would count against both clients alike.
     */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int WORKERS = 3;
    /**
     * How unlikely framewire's loss count must be, if its rate were no higher than the JDK
     * default's, before the test calls it higher; see {@link #chanceOfAtLeast}.
     */
    private static final double SIGNIFICANCE = 1e-3;

    private static final String TEXT = text(64 * 1024);
    private static final byte[][] BINARY_FRAMES = binaryFrames(4, 20 * 1024);

    private static final int FRAMEWIRE = 0;
    private static final int JDK_DEFAULT = 1;
    private static final String[] CLIENT_NAMES = {"framewire defaults", "HttpClient.newHttpClient()"};

    /** Where framewire's message of an early protocol error points. */
    static final String GREETING_LOSS_PAGE = "docs/jdk-defects.md#data-lost-behind-the-101-response";
    /** framewire's protocol errors whose message does not point there. */
    private static final Queue<String> UNHINTED = new ConcurrentLinkedQueue<>();

    private static HttpClient jdkDefault;
    private static ScriptedServer textServer;
    private static ScriptedServer binaryServer;

    /** What a client made of a greeting: the whole message, or {@code null} if it was lost. */
    private record Received(boolean text, byte[] payload) {
    }

    @FunctionalInterface
    private interface Receiver {
        Received receive(URI uri) throws Exception;
    }

    @BeforeAll
    static void start() throws Exception {
        jdkDefault = HttpClient.newHttpClient();
        textServer = Greetings.server(WireFrame.of(WireFrame.TEXT, TEXT.getBytes(StandardCharsets.UTF_8)).encode());
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < BINARY_FRAMES.length; i++) {
            frames.write(WireFrame.of(i == 0 ? WireFrame.BINARY : WireFrame.CONTINUATION, BINARY_FRAMES[i]).fin(i == BINARY_FRAMES.length - 1).encode());
        }
        binaryServer = Greetings.server(frames.toByteArray());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            textServer.close();
        } finally {
            binaryServer.close();
        }
    }

    @Test
    void framewireLosesNoMoreGreetingsThanTheJdkDefaultAndNeverACorruptedOne() throws Exception {
        Receiver[] clients = {GreetingServerTest::receiveWithFramewire, GreetingServerTest::receiveWithJdkDefault};
        AtomicIntegerArray lost = new AtomicIntegerArray(clients.length * 2); // [client * 2 + (binary ? 1 : 0)]
        Queue<String> corrupted = new ConcurrentLinkedQueue<>();
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<?>> runs = new ArrayList<>();
            // Interleaved, so that both clients see the same machine load.
            for (int i = 0; i < ROUNDS * clients.length; i++) {
                int client = i % clients.length;
                boolean binary = (i / clients.length) % 2 == 1;
                runs.add(workers.submit(() -> {
                    Received received = clients[client].receive((binary ? binaryServer : textServer).uri());
                    if (received == null) {
                        lost.incrementAndGet(client * 2 + (binary ? 1 : 0));
                    } else if (!isExact(received, binary)) {
                        corrupted.add(CLIENT_NAMES[client] + ": " + describe(received));
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            workers.shutdownNow();
        }

        int framewireLost = lost.get(FRAMEWIRE * 2) + lost.get(FRAMEWIRE * 2 + 1);
        int jdkLost = lost.get(JDK_DEFAULT * 2) + lost.get(JDK_DEFAULT * 2 + 1);
        String counts = String.format("greetings lost of %d per client (text + binary): %s %d + %d, %s %d + %d",
                ROUNDS, CLIENT_NAMES[FRAMEWIRE], lost.get(0), lost.get(1), CLIENT_NAMES[JDK_DEFAULT], lost.get(2), lost.get(3));
        System.out.println(counts);
        assertEquals(List.of(), List.copyOf(corrupted), "a message that arrives must arrive intact; " + counts);
        assertEquals(List.of(), List.copyOf(UNHINTED), "an early protocol error must name the JDK's loss and its page");
        double chance = chanceOfAtLeast(framewireLost, framewireLost + jdkLost);
        assertTrue(chance >= SIGNIFICANCE, String.format(
                "framewire lost more greetings than the JDK's default client: %s (chance %.2g if the rates were equal)",
                counts, chance));
    }

    /**
     * The JDK's report of a protocol error has no message of its own; framewire's names the
     * violation, how early it came, and the JDK's loss as the likely cause with the page about it.
     * Here the server really breaks the protocol (RSV2 set, right behind the 101), which is
     * deterministic where a lost read is not.
     */
    @Test
    void anEarlyProtocolErrorNamesTheJdksLossAndThePageAboutIt() throws Exception {
        try (ScriptedServer broken = Greetings.server(new byte[] {(byte) 0xA1, 2, 'h', 'i'});
             FrameSocket ws = FrameSocket.connect(broken.uri())) {
            ConnectionClosedException failed = assertThrows(ConnectionClosedException.class, () -> ws.readMessage(READ_TIMEOUT));
            assertInstanceOf(ProtocolException.class, failed.getCause());
            assertTrue(failed.getMessage().startsWith("The connection failed: java.net.ProtocolException (no message from the"
                    + " JDK; its cause: Unexpected rsv2 bit) "), failed.getMessage());
            assertTrue(failed.getMessage().contains(" after it opened, 0 bytes of data in; if the server sends more than 16 KiB"
                    + " right behind its 101 response, the likely cause is the JDK losing some of those bytes ("
                    + GREETING_LOSS_PAGE + ")"), failed.getMessage());
        }
    }

    /**
     * The chance that, of {@code total} losses spread over two clients that each made the same
     * number of connections and lose at the same small rate, at least {@code observed} fall on
     * the first: the tail of a binomial with p = 1/2 (the exact conditional test for two
     * Poisson counts). It does not depend on the rate itself, so the test needs no assumption
     * about how often the JDK loses on a given machine. With {@link #SIGNIFICANCE} 0.001 it
     * flags, for example, 10 against 0, 16 against 2 or 24 against 5, and lets 6 against 1 or
     * 9 against 3 pass. At equal rates it fails less than once in a thousand runs. The old
     * inline executor lost 48 and 78 of 300 here, against 4 and 6 for the JDK's default client
     * (JDK 17 and 25): chances of 7e-11 and 2e-17. Its power fades only if the JDK default's own
     * rate climbs near the old executor's, which no run has shown (at most 22 of 300).
     */
    static double chanceOfAtLeast(int observed, int total) {
        double logHalf = Math.log(0.5) * total;
        double logTerm = logHalf; // log of C(total, 0) / 2^total
        double sum = 0;
        for (int k = 0; k <= total; k++) {
            if (k >= observed) {
                sum += Math.exp(logTerm);
            }
            logTerm += Math.log((double) (total - k) / (k + 1));
        }
        return Math.min(1, sum);
    }

    private static Received receiveWithFramewire(URI uri) throws Exception {
        FrameSocket ws = FrameSocket.connect(uri);
        try {
            Message message = ws.readMessage(READ_TIMEOUT);
            return new Received(message.type() == Opcode.TEXT, message.bytes());
        } catch (ConnectionClosedException failed) {
            if (failed.getCause() instanceof ProtocolException && !failed.getMessage().contains(GREETING_LOSS_PAGE)) {
                UNHINTED.add(failed.getMessage());
            }
            return null;
        } catch (ReadTimeoutException lost) {
            return null;
        } finally {
            ws.abort();
        }
    }

    /** {@return a plain java.net.http WebSocket on {@code client}, opened within the connect timeout} */
    static WebSocket open(HttpClient client, URI uri, WebSocket.Listener listener) throws Exception {
        return client.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT)
                .buildAsync(uri, listener)
                .get(CONNECT_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
    }

    private static Received receiveWithJdkDefault(URI uri) throws Exception {
        CompletableFuture<Received> message = new CompletableFuture<>();
        WebSocket ws = open(jdkDefault, uri, new Collector(message));
        try {
            return message.get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException lost) {
            return null;
        } finally {
            ws.abort();
        }
    }

    /** A plain java.net.http listener that joins the parts of the first message. */
    private static final class Collector implements WebSocket.Listener {
        private final CompletableFuture<Received> message;
        private final ByteArrayOutputStream parts = new ByteArrayOutputStream();

        Collector(CompletableFuture<Received> message) {
            this.message = message;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            parts.writeBytes(data.toString().getBytes(StandardCharsets.UTF_8));
            return next(ws, true, last);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            parts.writeBytes(copy);
            return next(ws, false, last);
        }

        private CompletionStage<?> next(WebSocket ws, boolean text, boolean last) {
            if (last) {
                message.complete(new Received(text, parts.toByteArray()));
            } else {
                ws.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            message.completeExceptionally(new IllegalStateException("closed: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            message.completeExceptionally(error);
        }
    }

    private static boolean isExact(Received received, boolean binary) {
        return binary
                ? !received.text() && Arrays.equals(concat(BINARY_FRAMES), received.payload())
                : received.text() && Arrays.equals(TEXT.getBytes(StandardCharsets.UTF_8), received.payload());
    }

    private static String describe(Received received) {
        byte[] expected = received.text() ? TEXT.getBytes(StandardCharsets.UTF_8) : concat(BINARY_FRAMES);
        int at = Arrays.mismatch(expected, received.payload());
        return (received.text() ? "text" : "binary") + " message of " + received.payload().length
                + " bytes (expected " + expected.length + ") differs from byte " + at;
    }

    /** Upper-case ASCII letters: valid UTF-8, and each has the RSV1 bit (0x40) set. */
    private static String text(int length) {
        Random random = new Random(6455);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('A' + random.nextInt(26)));
        }
        return text.toString();
    }

    /** A pattern with no short period, so that a shifted stretch never matches by chance. */
    private static byte[][] binaryFrames(int count, int size) {
        Random random = new Random(9);
        byte[][] frames = new byte[count][size];
        for (byte[] frame : frames) {
            random.nextBytes(frame);
            for (int i = 0; i < size; i++) {
                frame[i] |= 0x40; // RSV1: a frame header misread inside payload fails at once
            }
        }
        return frames;
    }

    private static byte[] concat(byte[][] parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }
}
