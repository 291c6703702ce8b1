package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.internal.reconnect.FakeRetryClock;
import dev.framewire.testing.ConnectProxy;
import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testing.LogRecorder;
import dev.framewire.testing.WithoutJfrMain;
import dev.framewire.testkit.ScriptedServer;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/observing.md against real servers: {@link FrameSocket#stats()} counts what the test did,
 * the JDK Flight Recorder events are read back with a {@link RecordingStream}, and the
 * {@link Reconnector}'s log lines, callback and exception say what its attempts did (on a clock
 * that records its waits instead of sleeping).
 *
 * <p>One recording runs for the whole class; each test picks its events by the connection's log
 * tag or by its URI, which no other test shares.
 */
@Timeout(60)
class ObservingTest {

    @RegisterExtension
    static final EchoServerExtension echo = new EchoServerExtension();

    private static final List<RecordedEvent> EVENTS = new CopyOnWriteArrayList<>();
    private static RecordingStream recording;

    @BeforeAll
    static void record() throws InterruptedException {
        recording = new RecordingStream();
        recording.setReuse(false); // the events are kept: the stream must not refill one object for the next
        for (String name : List.of("Connect", "ConnectionEnd", "RoundTrip", "SendWait", "KeepAliveTimeout",
                "MessageTooLarge", "ReconnectAttempt")) {
            recording.enable("dev.framewire." + name); // with the events' own thresholds: SendWait's is 20 ms
        }
        CountDownLatch started = new CountDownLatch(1);
        recording.onFlush(started::countDown);
        recording.onEvent(EVENTS::add);
        recording.startAsync();
        assertTrue(started.await(20, TimeUnit.SECONDS), "the recording never flushed");
    }

    @AfterAll
    static void stopRecording() {
        recording.close();
    }

    /** {@return the events named {@code dev.framewire.<name>} that match, once at least {@code count} of them arrived} */
    private static List<RecordedEvent> awaitEvents(String name, Predicate<RecordedEvent> which, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); // the stream flushes about once a second
        while (true) {
            List<RecordedEvent> found = EVENTS.stream()
                    .filter(e -> e.getEventType().getName().equals("dev.framewire." + name)).filter(which).toList();
            if (found.size() >= count || System.nanoTime() > deadline) {
                assertTrue(found.size() >= count, name + " events: " + found);
                return found;
            }
            Thread.sleep(50);
        }
    }

    /** {@return the one event named {@code dev.framewire.<name>} that matches}, once it arrived */
    private static RecordedEvent awaitEvent(String name, Predicate<RecordedEvent> which) throws InterruptedException {
        List<RecordedEvent> found = awaitEvents(name, which, 1);
        assertEquals(1, found.size(), name + " events: " + found);
        return found.get(0);
    }

    /** {@return the socket's log tag}, which its events carry as {@code connection} */
    private static String tag(FrameSocket ws) {
        String shown = ws.toString(); // FrameSocket[fw-3f2a9c1e ws://…]
        return shown.substring("FrameSocket[".length(), shown.indexOf(' '));
    }

    private static Predicate<RecordedEvent> of(FrameSocket ws) {
        String tag = tag(ws);
        return e -> tag.equals(e.getString("connection"));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    // ---------------------------------------------------------------------------- stats()

    @Test
    void statsCountTheMessagesFramesAndBytesEachWayThePingsAndTheReadTimeouts() throws Exception {
        Instant before = Instant.now();
        try (FrameSocket ws = FrameSocket.connect(echo.uri())) {
            Instant after = Instant.now();
            ws.sendText("héllo");                         // 5 chars, 6 bytes in UTF-8
            ws.sendBinary(new byte[10]);
            ws.sendFrame("ab", false);                    // one message in two frames
            ws.sendFrame("c€", true);                     // 1 + 3 bytes
            assertEquals("héllo", ws.readMessage().text());
            assertEquals(10, ws.readMessage().bytes().length);
            assertEquals("abc€", ws.readMessage().text()); // the echo keeps the two frames: two parts
            ws.sendPing("mine");
            Duration roundTrip = ws.ping(Duration.ofSeconds(10)); // Pongs come in order: "mine"'s came first
            assertThrows(ReadTimeoutException.class, () -> ws.readFrame(Duration.ZERO));
            assertThrows(ReadTimeoutException.class, () -> ws.readMessage(Duration.ofMillis(20)));

            ConnectionStats stats = ws.stats();
            assertFalse(stats.openedAt().isBefore(before) || stats.openedAt().isAfter(after),
                    stats.openedAt() + " between " + before + " and " + after);
            assertEquals(3, stats.messagesSent());
            assertEquals(4, stats.framesSent());
            assertEquals(6 + 10 + 2 + 4, stats.bytesSent());
            assertEquals(3, stats.messagesReceived());
            assertEquals(4, stats.framesReceived());
            assertEquals(6 + 10 + 2 + 4, stats.bytesReceived());
            assertEquals(2, stats.pingsSent());
            assertEquals(2, stats.pongsReceived());
            assertEquals(roundTrip, stats.lastRoundTrip().orElseThrow());
            assertEquals(0, stats.queuedParts());
            assertTrue(stats.queuedPartsPeak() >= 1 && stats.queuedPartsPeak() <= 4, String.valueOf(stats));
            assertEquals(2, stats.readTimeouts());
            assertEquals(stats, ws.stats(), "nothing happened since: the same snapshot, a new value");
        }
    }

    @Test
    void aSlowReaderShowsAsQueuedPartsUpToTheBoundThenTheyDrain() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().maxQueuedParts(4).connect(echo.uri())) {
            for (int i = 0; i < 10; i++) {
                ws.sendText("message " + i);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ws.stats().queuedParts() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            ConnectionStats full = ws.stats();
            assertEquals(4, full.queuedParts(), "the queue is full: framewire asks the JDK for nothing more");
            assertEquals(4, full.queuedPartsPeak());
            assertEquals(4, full.messagesReceived(), "the other six wait in TCP, not in framewire");
            for (int i = 0; i < 10; i++) {
                assertEquals("message " + i, ws.readMessage().text());
            }
            ConnectionStats drained = ws.stats();
            assertEquals(0, drained.queuedParts());
            assertEquals(4, drained.queuedPartsPeak(), "the peak stays");
            assertEquals(10, drained.messagesReceived());
        }
    }

    @Test
    void aSendStalledByAPeerThatStopsReadingShowsInSendWaitedAndAsASendWaitEvent() throws Exception {
        CountDownLatch testDone = new CountDownLatch(1);
        try (ScriptedServer deaf = ScriptedServer.start(c -> testDone.await(30, TimeUnit.SECONDS))) {
            FrameSocket ws = FrameSocket.newBuilder().sendTimeout(Duration.ofMillis(500)).connect(deaf.uri());
            byte[] mib = new byte[1 << 20];
            long start = System.nanoTime();
            SendTimeoutException stalled = assertThrows(SendTimeoutException.class, () -> {
                for (int i = 0; i < 1000; i++) { // loopback buffers hold a few MiB; then the JDK's write waits
                    ws.sendBinary(mib);
                }
            });
            long took = System.nanoTime() - start;
            assertTrue(stalled.getMessage().contains("did not complete within 500 ms"), stalled.getMessage());
            ConnectionStats stats = ws.stats();
            // Most of the 500 ms went to waiting for TCP; the rest to handing MiBs to the JDK, which is no wait.
            assertTrue(stats.sendWaited().compareTo(Duration.ofMillis(250)) >= 0
                    && stats.sendWaited().toNanos() <= took, stats.sendWaited() + " of " + Duration.ofNanos(took));
            RecordedEvent wait = awaitEvents("SendWait", of(ws).and(e -> e.getDuration().toMillis() >= 250), 1).get(0);
            assertEquals("write", wait.getString("waitedFor"));
            assertEquals("binary frame", wait.getString("frame"));
            assertEquals(1 << 20, wait.getLong("payloadLength"));
            assertEquals(deaf.uri().toString(), wait.getString("uri"));
            assertTrue(wait.getStackTrace() != null, "the stack shows which send waited");

            RecordedEvent end = awaitEvent("ConnectionEnd", of(ws));
            assertTrue(end.getBoolean("initiatedLocally"));
            assertEquals(1006, end.getInt("code"));
            assertTrue(end.getString("message").contains("did not complete within 500 ms"), end.getString("message"));
        } finally {
            testDone.countDown();
        }
    }

    // ---------------------------------------------------------------------------- events

    @Test
    void aConnectAndItsEndAreEventsWithTheUriWithoutCredentialsAndHowItEnded() throws Exception {
        URI withSecret = URI.create(echo.uri().toString().replace("ws://", "ws://someone:s3cret@"));
        FrameSocket ws = FrameSocket.connect(withSecret);
        Thread.sleep(20);
        ws.close();
        RecordedEvent connect = awaitEvent("Connect", of(ws));
        assertEquals(echo.uri().toString(), connect.getString("uri"));
        assertEquals("connected", connect.getString("outcome"));
        assertEquals("", connect.getString("failure"));
        assertEquals("", connect.getString("proxy"));
        assertTrue(connect.getDuration().toNanos() > 0);
        RecordedEvent end = awaitEvent("ConnectionEnd", of(ws));
        assertTrue(end.getBoolean("initiatedLocally"));
        assertEquals(1000, end.getInt("code"));
        assertTrue(end.getDuration("lifetime").toMillis() >= 20, end.toString());
        assertEquals(echo.uri().toString(), end.getString("uri"));
        for (RecordedEvent e : List.of(connect, end)) {
            assertFalse(e.toString().contains("s3cret"), e.toString());
        }
    }

    @Test
    void aConnectThroughAProxyNamesItAndAFailedOneSaysWhy() throws Exception {
        try (ConnectProxy proxy = ConnectProxy.open()) {
            HttpClient client = HttpClient.newBuilder().proxy(proxy.selector()).build();
            try (FrameSocket ws = FrameSocket.newBuilder().httpClient(client).connect(echo.uri())) {
                RecordedEvent connect = awaitEvent("Connect", of(ws));
                assertEquals("127.0.0.1:" + proxy.address().getPort(), connect.getString("proxy"));
                assertEquals("connected", connect.getString("outcome"));
            }
        }
        URI nobody = URI.create("ws://127.0.0.1:" + closedPort() + "/connect-test"); // a port other tests may use too
        WebSocketException refused = assertThrows(WebSocketException.class, () -> FrameSocket.connect(nobody));
        RecordedEvent failed = awaitEvent("Connect", e -> nobody.toString().equals(e.getString("uri")));
        assertEquals("failed", failed.getString("outcome"));
        assertEquals(refused.getMessage(), failed.getString("failure"));
    }

    @Test
    void aPingsRoundTripAndTheKeepalivesAreEventsAndTheLatestIsInStats() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().keepAlive(Duration.ofMillis(100), Duration.ofSeconds(10))
                .connect(echo.uri())) {
            Duration measured = ws.ping(Duration.ofSeconds(10));
            RecordedEvent mine = awaitEvent("RoundTrip", of(ws).and(e -> !e.getBoolean("keepAlive")));
            assertEquals(measured, mine.getDuration("roundTrip"));
            RecordedEvent keepAlive = awaitEvents("RoundTrip", of(ws).and(e -> e.getBoolean("keepAlive")), 1).get(0);
            assertEquals(1, awaitEvents("RoundTrip", of(ws).and(e -> !e.getBoolean("keepAlive")), 1).size());
            assertTrue(keepAlive.getDuration("roundTrip").toNanos() > 0);
            ConnectionStats stats = ws.stats();
            assertTrue(stats.pingsSent() >= 2 && stats.pongsReceived() >= 2, stats.toString());
            assertTrue(stats.lastRoundTrip().isPresent());
        }
    }

    @Test
    void aKeepaliveTimeoutIsAnEventBesideTheEndItCaused() throws Exception {
        CountDownLatch testDone = new CountDownLatch(1);
        // Reads nothing: Pings stay unanswered.
        try (ScriptedServer silent = ScriptedServer.start(c -> testDone.await(30, TimeUnit.SECONDS))) {
            FrameSocket ws = FrameSocket.newBuilder().keepAlive(Duration.ofMillis(100), Duration.ofMillis(200))
                    .connect(silent.uri());
            assertThrows(ConnectionClosedException.class, () -> ws.readMessage(Duration.ofSeconds(10)));
            RecordedEvent timeout = awaitEvent("KeepAliveTimeout", of(ws));
            assertEquals(Duration.ofMillis(100), timeout.getDuration("interval"));
            assertEquals(Duration.ofMillis(200), timeout.getDuration("timeout"));
            RecordedEvent end = awaitEvent("ConnectionEnd", of(ws));
            assertEquals(1006, end.getInt("code"));
            assertTrue(end.getBoolean("initiatedLocally"));
            assertTrue(ws.stats().pingsSent() >= 1);
        } finally {
            testDone.countDown();
        }
    }

    @Test
    void aMessageTooLargeIsAnEventWithTheLimitAndTheSizeReached() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().maxMessageSize(100).connect(echo.uri())) {
            ws.sendText("x".repeat(300));
            MessageTooLargeException tooLarge = assertThrows(MessageTooLargeException.class, ws::readMessage);
            RecordedEvent event = awaitEvent("MessageTooLarge", of(ws));
            assertEquals(100, event.getLong("limit"));
            assertEquals(tooLarge.size(), event.getLong("size"));
            assertTrue(event.getLong("size") > 100);
            assertEquals(300, ws.stats().bytesReceived(), "it arrived, and was counted, before it was refused");
        }
    }

    // ---------------------------------------------------------------------------- Reconnector

    @Test
    void aReconnectorsAttemptsAreLoggedToldToItsCallbackAndRecordedAndRunningOutSaysHowManyOverHowLong()
            throws Exception {
        int port = closedPort();
        URI nobody = URI.create("ws://127.0.0.1:" + port + "/reconnect-test");
        FakeRetryClock clock = new FakeRetryClock();
        List<Reconnector.Attempt> attempts = new ArrayList<>();
        Reconnector r = new Reconnector(FrameSocket.newBuilder().settings(), nobody, clock, ceiling -> ceiling)
                .maxAttempts(3).onAttempt(attempts::add);
        LogRecorder log = new LogRecorder();
        log.start();
        WebSocketException gaveUp;
        try {
            gaveUp = assertThrows(WebSocketException.class, r::connect);
        } finally {
            log.stop();
        }
        String refused = "refused (nothing listens on 127.0.0.1:" + port + ")";
        String prefix = "Reconnector " + nobody + ": ";
        assertEquals(List.of(prefix + "attempt 1 " + refused + "; next in 500 ms", prefix + "attempt 2 " + refused
                + "; next in 1 s"), messages(log, Level.INFO));
        assertEquals(List.of(prefix + "attempt 3 " + refused + "; giving up after 3 attempts over 1.5 s"),
                messages(log, Level.WARNING));
        assertTrue(log.records().stream().filter(rec -> rec.getThrown() != null).allMatch(rec -> rec.getLevel() == Level.FINER),
                "stack traces only at the finest level framewire logs at");

        assertTrue(gaveUp.getMessage().startsWith("Gave up connecting to " + nobody + " after 3 attempts over 1.5 s;"
                + " the last attempt: Connection refused by 127.0.0.1:" + port), gaveUp.getMessage());
        assertInstanceOf(WebSocketException.class, gaveUp.getCause());
        assertEquals(2, gaveUp.getSuppressed().length);

        assertEquals(List.of(1, 2, 3), attempts.stream().map(Reconnector.Attempt::number).toList());
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1)),
                attempts.stream().flatMap(a -> a.retryIn().stream()).toList());
        assertTrue(attempts.stream().noneMatch(Reconnector.Attempt::connected));
        assertEquals(gaveUp.getCause(), attempts.get(2).failure().orElseThrow());

        List<RecordedEvent> recorded = awaitEvents("ReconnectAttempt", e -> nobody.toString().equals(e.getString("uri")), 3);
        assertEquals(3, recorded.size());
        assertEquals(List.of("retrying", "retrying", "failed"), recorded.stream().map(e -> e.getString("outcome")).toList());
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ZERO),
                recorded.stream().map(e -> e.getDuration("wait")).toList());
        assertEquals(refused, recorded.get(0).getString("cause"));
    }

    @Test
    void aReconnectorThatConnectsTellsItsCallbackOfTheAttemptThatConnected() throws Exception {
        List<Reconnector.Attempt> attempts = new ArrayList<>();
        Reconnector r = FrameSocket.newBuilder().reconnector(echo.uri()).onAttempt(attempts::add);
        try (FrameSocket ws = r.connect()) {
            assertTrue(ws.isOpen());
        }
        assertEquals(1, attempts.size());
        Reconnector.Attempt only = attempts.get(0);
        assertTrue(only.connected());
        assertEquals(1, only.number());
        assertTrue(only.retryIn().isEmpty());
        assertTrue(only.duration().toNanos() > 0);
        RecordedEvent event = awaitEvent("ReconnectAttempt", e -> echo.uri().toString().equals(e.getString("uri"))
                && "connected".equals(e.getString("outcome")));
        assertEquals("", event.getString("cause"));
    }

    private static List<String> messages(LogRecorder log, Level level) {
        return log.records().stream().filter(r -> r.getLevel() == level).map(LogRecord::getMessage).toList();
    }

    @Test
    void statsOfAnEndedConnectionStayAsTheyWereAtTheEnd() throws Exception {
        FrameSocket ws = FrameSocket.connect(echo.uri());
        ws.sendText("one");
        ws.readMessage();
        ws.close();
        ConnectionStats atEnd = ws.stats();
        assertEquals(1, atEnd.messagesSent());
        assertEquals(1, atEnd.messagesReceived());
        assertThrows(ConnectionClosedException.class,
                () -> ws.sendBinary(ByteBuffer.wrap("late".getBytes(StandardCharsets.UTF_8))));
        ConnectionStats later = ws.stats();
        // The peer's Close may still be entering the queue as close() returns: queuedParts may count it.
        assertEquals(List.of(atEnd.messagesSent(), atEnd.framesSent(), atEnd.bytesSent(), atEnd.messagesReceived()),
                List.of(later.messagesSent(), later.framesSent(), later.bytesSent(), later.messagesReceived()),
                "a refused send counts nothing");
    }

    // ---------------------------------------------------------------------------- without jdk.jfr

    @Test
    @Timeout(180)
    void framewireRunsOnARuntimeLinkedWithoutJdkJfrOnTheClassPathAndTheModulePath() throws Exception {
        Path runtime = runtimeWithoutJfr();
        String java = runtime.resolve("bin").resolve("java").toString();
        String classes = Path.of("target", "classes").toAbsolutePath().toString();
        String main = Path.of(WithoutJfrMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String nobody = "ws://127.0.0.1:" + closedPort() + "/";
        String onClassPath = run(java, "-cp", classes + File.pathSeparator + main,
                WithoutJfrMain.class.getName(), echo.uri().toString(), nobody);
        String onModulePath = run(java, "--module-path", classes, "--add-modules", "dev.framewire", "-cp", main,
                WithoutJfrMain.class.getName(), echo.uri().toString(), nobody);
        for (String out : List.of(onClassPath, onModulePath)) {
            assertTrue(out.contains("OK ConnectionStats[") && out.contains("messagesSent=2"), out);
        }
    }

    /** A runtime of java.base and java.net.http only, linked once into target/ by this JDK's jlink. */
    private static Path runtimeWithoutJfr() throws Exception {
        Path runtime = Path.of("target", "runtime-without-jfr-" + Runtime.version().feature()).toAbsolutePath();
        if (Files.isExecutable(runtime.resolve("bin").resolve("java"))) {
            return runtime;
        }
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        Assumptions.assumeTrue(Files.isExecutable(jlink), "no jlink in " + System.getProperty("java.home"));
        Path partial = Files.createTempDirectory(Path.of("target"), "linking").resolve("runtime");
        Process link = new ProcessBuilder(jlink.toString(), "--add-modules", "java.base,java.net.http",
                "--no-header-files", "--no-man-pages", "--output", partial.toString()).redirectErrorStream(true).start();
        String out = new String(link.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // A JDK without jmods/ that cannot link from its own image either: nothing to test with here.
        Assumptions.assumeTrue(link.waitFor() == 0, "jlink could not link a runtime: " + out);
        Files.move(partial, runtime);
        return runtime;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not end: " + String.join(" ", command));
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
        return out;
    }
}
