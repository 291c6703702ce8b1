package dev.framewire.internal.reconnect;

import static dev.framewire.internal.reconnect.RetryRulesTest.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.CloseStatus;
import dev.framewire.HandshakeException;
import dev.framewire.WebSocketException;
import dev.framewire.testing.LogRecorder;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The retry loop's decisions, on a clock that does not sleep and with the jitter at the top of
 * the window, against attempts that fail or succeed as each test scripts them.
 */
class RetryLoopTest {

    /** A connection that ends when the test says so. */
    private static final class Conn {
        Optional<CloseStatus> end = Optional.empty();

        void ends(int code) {
            end = Optional.of(new CloseStatus(code, ""));
        }
    }

    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    private static final RetryLoop.Settings UNLIMITED = new RetryLoop.Settings(BACKOFF, 0, null);

    private final FakeRetryClock clock = new FakeRetryClock();
    private final RetryLoop<Conn> loop = new RetryLoop<>(clock, ceiling -> ceiling, c -> c.end);
    private final Deque<Object> outcomes = new ArrayDeque<>(); // an IOException to throw, or a Conn to return
    private int attempts;

    private Conn attempt() throws IOException {
        attempts++;
        Object next = outcomes.removeFirst();
        if (next instanceof IOException e) {
            throw e;
        }
        return (Conn) next;
    }

    private Conn connect(RetryLoop.Settings settings) throws IOException {
        return loop.connect(this::attempt, settings, "ws://test/");
    }

    private static IOException refusedTcp() {
        return new WebSocketException("Could not open ws://test/", new ConnectException("Connection refused"));
    }

    private static List<Duration> millis(long... values) {
        return java.util.Arrays.stream(values).mapToObj(Duration::ofMillis).toList();
    }

    @AfterEach
    void everyScriptedOutcomeWasUsed() {
        assertTrue(outcomes.isEmpty(), "unused outcomes: " + outcomes);
    }

    @Test
    void theFirstConnectDoesNotWait() throws IOException {
        Conn c = new Conn();
        outcomes.add(c);
        assertSame(c, connect(UNLIMITED));
        assertEquals(List.of(), clock.sleeps());
    }

    @Test
    void transientFailuresAreRetriedWithGrowingWaits() throws IOException {
        Conn c = new Conn();
        outcomes.addAll(List.of(refusedTcp(), refused(503), refused(502), refusedTcp(), c));
        assertSame(c, connect(UNLIMITED));
        assertEquals(millis(500, 1000, 2000, 4000), clock.sleeps());
        assertEquals(5, attempts);
    }

    @Test
    void aPermanentFailureEndsAtOnceWithTheEarlierOnesSuppressed() {
        IOException first = refusedTcp();
        HandshakeException second = refused(500);
        HandshakeException notFound = refused(404);
        outcomes.addAll(List.of(first, second, notFound));
        HandshakeException thrown = assertThrows(HandshakeException.class, () -> connect(UNLIMITED));
        assertSame(notFound, thrown);
        assertArrayEquals(new Throwable[] {first, second}, thrown.getSuppressed());
        assertEquals(millis(500, 1000), clock.sleeps());
    }

    @Test
    void whenTheAttemptsRunOutTheExceptionSaysHowManyOverHowLongWithTheLastFailureAsCause() {
        List<IOException> failures = List.of(refusedTcp(), refusedTcp(), refusedTcp());
        outcomes.addAll(failures);
        IOException thrown = assertThrows(WebSocketException.class,
                () -> connect(new RetryLoop.Settings(BACKOFF, 3, null)));
        assertEquals("Gave up connecting to ws://test/ after 3 attempts over 1.5 s; the last attempt: Could not open"
                + " ws://test/", thrown.getMessage());
        assertSame(failures.get(2), thrown.getCause());
        assertArrayEquals(new Throwable[] {failures.get(0), failures.get(1)}, thrown.getSuppressed());
        assertEquals(3, attempts);
        assertEquals(millis(500, 1000), clock.sleeps());
    }

    @Test
    void aCallAfterTheAttemptsRanOutWaitsFirstAndTheBackoffGoesOn() throws IOException {
        outcomes.addAll(List.of(refusedTcp(), refusedTcp()));
        assertThrows(IOException.class, () -> connect(new RetryLoop.Settings(BACKOFF, 2, null)));
        Conn c = new Conn();
        outcomes.add(c);
        connect(UNLIMITED);
        assertEquals(millis(500, 1000), clock.sleeps());
    }

    @Test
    void suppressedFailuresAreBounded() {
        for (int i = 0; i < 40; i++) {
            outcomes.add(refusedTcp());
        }
        IOException thrown = assertThrows(IOException.class, () -> connect(new RetryLoop.Settings(BACKOFF, 40, null)));
        assertEquals(RetryLoop.KEPT_FAILURES, thrown.getSuppressed().length);
    }

    @Test
    void retryAfterLengthensAWaitUpToTheMax() throws IOException {
        outcomes.addAll(List.of(refused(503, "Retry-After", "7"), refused(429, "Retry-After", "3600"),
                refused(503, "Retry-After", "0"), new Conn()));
        connect(UNLIMITED);
        // 7 s over a 500 ms window; an hour cut to the 30 s max; 0 s under a 2 s window.
        assertEquals(List.of(Duration.ofSeconds(7), Duration.ofSeconds(30), Duration.ofSeconds(2)), clock.sleeps());
    }

    @Test
    void retryAfterIsAFloorNotTheWaitItself() throws IOException {
        RetryLoop<Conn> low = new RetryLoop<>(clock, ceiling -> 0, c -> c.end);
        outcomes.addAll(List.of(refused(503, "Retry-After", "2"), refused(503), new Conn()));
        low.connect(this::attempt, UNLIMITED, "ws://test/");
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ZERO), clock.sleeps());
    }

    @Test
    void aDroppedConnectionMakesTheNextCallWaitAndTheBackoffGrows() throws IOException {
        clock.advance(Duration.ofHours(1)); // System.nanoTime() has no fixed origin: only differences count
        for (int round = 0; round < 4; round++) {
            Conn c = new Conn();
            outcomes.add(c);
            connect(UNLIMITED);
            clock.advance(Duration.ofSeconds(1)); // shorter than resetAfter (the 30 s max)
            c.ends(CloseStatus.ABNORMAL_CLOSURE);
        }
        assertEquals(millis(500, 1000, 2000), clock.sleeps());
        assertEquals(3, loop.step());
    }

    @Test
    void everyOutageCodeWaitsAndANormalCloseDoesNot() throws IOException {
        for (int code : new int[] {1001, 1006, 1011, 1012, 1013, 1014}) {
            RetryLoop<Conn> fresh = new RetryLoop<>(clock, ceiling -> ceiling, c -> c.end);
            Conn c = new Conn();
            outcomes.addAll(List.of(c, new Conn()));
            fresh.connect(this::attempt, UNLIMITED, "ws://test/");
            c.ends(code);
            fresh.connect(this::attempt, UNLIMITED, "ws://test/");
            assertEquals(millis(500), clock.takeSleeps(), "code " + code);
        }
        for (int code : new int[] {1000, 1003, 1008, 4000}) {
            Conn c = new Conn();
            outcomes.addAll(List.of(c, new Conn()));
            connect(UNLIMITED);
            c.ends(code);
            connect(UNLIMITED);
            assertEquals(List.of(), clock.takeSleeps(), "code " + code);
        }
    }

    @Test
    void aConnectionStillOpenAtTheNextCallDoesNotMakeItWait() throws IOException {
        outcomes.addAll(List.of(new Conn(), new Conn()));
        connect(UNLIMITED);
        connect(UNLIMITED);
        assertEquals(List.of(), clock.sleeps());
    }

    @Test
    void aLongLivedConnectionResetsTheBackoff() throws IOException {
        outcomes.addAll(List.of(refusedTcp(), refusedTcp(), refusedTcp()));
        Conn c = new Conn();
        outcomes.add(c);
        connect(UNLIMITED);
        assertEquals(millis(500, 1000, 2000), clock.takeSleeps());
        clock.advance(Duration.ofSeconds(30)); // resetAfter defaults to the backoff's max
        c.ends(CloseStatus.ABNORMAL_CLOSURE);
        outcomes.addAll(List.of(refusedTcp(), new Conn()));
        connect(UNLIMITED);
        assertEquals(millis(500, 1000), clock.takeSleeps());
    }

    @Test
    void resetAfterCanBeShorterThanTheMax() throws IOException {
        RetryLoop.Settings quickReset = new RetryLoop.Settings(BACKOFF, 0, Duration.ofSeconds(5));
        outcomes.addAll(List.of(refusedTcp(), refusedTcp()));
        Conn c = new Conn();
        outcomes.add(c);
        connect(quickReset);
        clock.takeSleeps();
        clock.advance(Duration.ofSeconds(5));
        c.ends(CloseStatus.GOING_AWAY);
        outcomes.add(new Conn());
        connect(quickReset);
        assertEquals(millis(500), clock.takeSleeps());
    }

    @Test
    void anInterruptedWaitThrowsInterruptedIOExceptionAndKeepsTheInterrupt() {
        // A clock whose sleep is interrupted, as TimeUnit.sleep is when the thread is interrupted.
        RetryClock interrupting = new RetryClock() {
            @Override
            public long nanoTime() {
                return clock.nanoTime();
            }

            @Override
            public java.time.Instant now() {
                return clock.now();
            }

            @Override
            public void sleep(long nanos) throws InterruptedException {
                throw new InterruptedException();
            }
        };
        RetryLoop<Conn> interrupted = new RetryLoop<>(interrupting, ceiling -> ceiling, c -> c.end);
        IOException failure = refusedTcp();
        outcomes.add(failure);
        try {
            InterruptedIOException e = assertThrows(InterruptedIOException.class,
                    () -> interrupted.connect(this::attempt, UNLIMITED, "ws://test/"));
            assertTrue(e.getMessage().contains("ws://test/"), e.getMessage());
            assertTrue(e.getMessage().startsWith("Interrupted while waiting 500 ms to reconnect"), e.getMessage());
            assertArrayEquals(new Throwable[] {failure}, e.getSuppressed());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anInterruptDuringAnAttemptIsNotRetried() {
        InterruptedIOException interrupt = new InterruptedIOException("Interrupted while opening ws://test/");
        outcomes.addAll(List.of(refusedTcp(), interrupt));
        assertSame(interrupt, assertThrows(InterruptedIOException.class, () -> connect(UNLIMITED)));
        assertEquals(2, attempts);
    }

    @Test
    void anIllegalArgumentIsNotRetried() {
        RetryLoop.Attempt<Conn> bad = () -> {
            attempts++;
            throw new IllegalArgumentException("bad");
        };
        assertThrows(IllegalArgumentException.class, () -> loop.connect(bad, UNLIMITED, "ws://test/"));
        assertEquals(1, attempts);
    }

    // ---------------------------------------------------------------- watching the loop

    /** One attempt as an observer is told of it. */
    private record Told(int number, IOException failure, long retryInNanos) {
    }

    private static final java.net.URI NOBODY = java.net.URI.create("ws://127.0.0.1:8095/");

    private static List<String> lines(LogRecorder log, System.Logger.Level level) {
        java.util.logging.Level jul = level == System.Logger.Level.INFO ? java.util.logging.Level.INFO
                : level == System.Logger.Level.WARNING ? java.util.logging.Level.WARNING : java.util.logging.Level.FINER;
        return log.records().stream().filter(r -> r.getLevel().equals(jul)).map(java.util.logging.LogRecord::getMessage)
                .toList();
    }

    @Test
    void eachFailedAttemptIsOneLineWithItsCauseAndTheWaitBeforeTheNextAndItsStackOnlyAtTrace() throws IOException {
        IOException tcp = refusedTcp();
        outcomes.addAll(List.of(tcp, refused(503, "Retry-After", "3"), new Conn()));
        LogRecorder log = new LogRecorder();
        log.start();
        try {
            loop.connect(this::attempt, UNLIMITED, NOBODY);
        } finally {
            log.stop();
        }
        assertEquals(List.of(
                "Reconnector ws://127.0.0.1:8095/: attempt 1 refused (nothing listens on 127.0.0.1:8095); next in 500 ms",
                "Reconnector ws://127.0.0.1:8095/: attempt 2 refused with HTTP 503 (Retry-After: 3); next in 3 s",
                "Reconnector ws://127.0.0.1:8095/: connected at attempt 3, 3.5 s after the first"),
                lines(log, System.Logger.Level.INFO));
        assertTrue(log.records().stream().filter(r -> r.getThrown() != null)
                .allMatch(r -> r.getLevel().equals(java.util.logging.Level.FINER)), "stack traces only at TRACE");
        assertSame(tcp, log.records().stream().filter(r -> r.getThrown() != null).findFirst().orElseThrow().getThrown());
    }

    @Test
    void givingUpIsAWarningThatSaysHowManyAttemptsOverHowLong() {
        outcomes.addAll(List.of(refusedTcp(), refusedTcp()));
        LogRecorder log = new LogRecorder();
        log.start();
        try {
            assertThrows(WebSocketException.class,
                    () -> loop.connect(this::attempt, new RetryLoop.Settings(BACKOFF, 2, null), NOBODY));
        } finally {
            log.stop();
        }
        assertEquals(List.of("Reconnector ws://127.0.0.1:8095/: attempt 2 refused (nothing listens on 127.0.0.1:8095);"
                + " giving up after 2 attempts over 500 ms"), lines(log, System.Logger.Level.WARNING));
    }

    @Test
    void theWaitOwedAfterADropIsLoggedBeforeItIsWaited() throws IOException {
        Conn dropped = new Conn();
        outcomes.addAll(List.of(dropped, new Conn()));
        connect(UNLIMITED);
        dropped.ends(CloseStatus.ABNORMAL_CLOSURE);
        LogRecorder log = new LogRecorder();
        log.start();
        try {
            loop.connect(this::attempt, UNLIMITED, NOBODY);
        } finally {
            log.stop();
        }
        assertEquals(List.of("Reconnector ws://127.0.0.1:8095/: the connection returned last ended with 1006;"
                + " first attempt in 500 ms"), lines(log, System.Logger.Level.INFO));
    }

    @Test
    void theObserverIsToldOfEveryAttemptBeforeTheWaitThatFollowsIt() throws IOException {
        List<Told> told = new java.util.ArrayList<>();
        List<Integer> sleepsWhenTold = new java.util.ArrayList<>();
        RetryLoop.Settings watched = new RetryLoop.Settings(BACKOFF, 0, null, (number, took, failure, retryIn) -> {
            told.add(new Told(number, failure, retryIn));
            sleepsWhenTold.add(clock.sleeps().size());
        });
        IOException first = refusedTcp();
        IOException second = refused(502);
        outcomes.addAll(List.of(first, second, new Conn()));
        loop.connect(this::attempt, watched, "ws://test/");
        assertEquals(List.of(new Told(1, first, 500_000_000L), new Told(2, second, 1_000_000_000L), new Told(3, null, -1)),
                told);
        assertEquals(List.of(0, 1, 2), sleepsWhenTold, "told before the wait, not after it");
    }

    @Test
    void anObserverThatThrowsIsLoggedAndDoesNotStopTheReconnecting() throws IOException {
        Conn c = new Conn();
        outcomes.addAll(List.of(refusedTcp(), c));
        RetryLoop.Settings broken = new RetryLoop.Settings(BACKOFF, 0, null, (number, took, failure, retryIn) -> {
            throw new IllegalStateException("a bug in the metrics");
        });
        LogRecorder log = new LogRecorder();
        log.start();
        try {
            assertSame(c, loop.connect(this::attempt, broken, "ws://test/"));
        } finally {
            log.stop();
        }
        assertEquals(2, log.records().stream().filter(r -> r.getThrown() instanceof IllegalStateException).count());
    }
}
