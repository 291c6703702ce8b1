package dev.framewire.internal.send;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.CloseStatus;
import dev.framewire.ConnectionClosedException;
import dev.framewire.SendTimeoutException;
import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.Durations;
import dev.framewire.internal.Ending;
import dev.framewire.internal.connection.ConnectionOnFake;
import dev.framewire.testing.Background;
import dev.framewire.testing.FakeWebSocket;
import dev.framewire.testing.FakeWebSocket.Kind;
import dev.framewire.testing.FakeWebSocket.Send;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The send slots, fragmentation tracking and failure handling of {@link OutboundSender}, with the
 * JDK's futures completed by hand. The fake counts any send that reaches it while one of its kind
 * is pending; after every test there must have been none.
 */
class OutboundSenderTest {

    private static final Duration SHORT = Duration.ofMillis(20);

    private final FakeWebSocket ws = new FakeWebSocket();
    private final ConnectionState state = new ConnectionState();
    private final List<Ending> aborts = new CopyOnWriteArrayList<>();
    private final SendCounts counts = new SendCounts();

    /** A sender whose abort only records the ending (the connection stays usable for the test). */
    private OutboundSender sender(Duration sendTimeout) {
        return new OutboundSender(ws, state, sendTimeout, aborts::add, ConnectionOnFake.LOG, counts,
                ConnectionOnFake.EVENTS);
    }

    /** A sender whose abort ends the connection. */
    private OutboundSender endingSender(Duration sendTimeout) {
        return EndingSender.on(ws, state, sendTimeout, aborts);
    }

    @AfterEach
    void theJdkNeverSawTwoPendingSendsOfAKind() {
        assertEquals(0, ws.overlappingSends(), "a send reached the JDK while another of its kind was pending");
    }

    /** The call a {@link Background} thread makes. */
    @FunctionalInterface
    private interface SendCall {
        void send() throws IOException;
    }

    private static Background sending(String name, SendCall call) {
        return Background.start(name, () -> {
            call.send();
            return null;
        });
    }

    /** Completes the JDK's future of send {@code index}, and checks that {@code caller} returns. */
    private void completeFor(int index, Background caller) throws Exception {
        ws.send(index).complete();
        caller.result();
    }

    private void awaitSends(int n) {
        FakeWebSocket.spinUntil(() -> ws.sendCount() >= n, n + " sends reached the JDK");
    }

    private static ByteBuffer bytes(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        return b.flip();
    }

    @Test
    void aSecondDataSendWaitsForTheJdkToFinishTheFirst() throws Exception {
        OutboundSender sender = sender(null);
        Background first = sending("first", () -> sender.sendText("one", true, true));
        awaitSends(1);
        Background second = sending("second", () -> sender.sendBinary(bytes(2), true, true)).parked();
        assertEquals(1, ws.sendCount(), "the second waits for the slot");
        completeFor(0, first);
        awaitSends(2);
        assertEquals(Kind.BINARY, ws.send(1).kind);
        assertFalse(second.isDone());
        completeFor(1, second);
    }

    @Test
    void aPingGoesWhileADataSendIsPending() throws Exception {
        OutboundSender sender = sender(null);
        Background data = sending("data", () -> sender.sendText("long", true, true));
        awaitSends(1);
        Background ping = sending("ping", () -> sender.sendPing(bytes(9)));
        awaitSends(2);
        assertEquals(Kind.PING, ws.send(1).kind);
        completeFor(1, ping);
        assertTrue(ws.send(0).pending());
        assertFalse(data.isDone());
        completeFor(0, data);
    }

    @Test
    void anInterruptedSenderKeepsTheSlotUntilTheJdkIsDone() throws Exception {
        OutboundSender sender = sender(null);
        Background first = sending("first", () -> sender.sendText("one", true, true));
        awaitSends(1);
        first.parked().thread.interrupt();
        InterruptedIOException interrupted = first.failure(InterruptedIOException.class);
        assertTrue(interrupted.getMessage().contains("the send goes on in the background"), interrupted.getMessage());
        assertTrue(ws.send(0).pending(), "the JDK still holds the first send");

        Background second = sending("second", () -> sender.sendText("two", true, true)).parked();
        assertEquals(1, ws.sendCount(), "the caller stopped waiting, the JDK did not: the slot is still taken");
        ws.send(0).complete();
        awaitSends(2);
        completeFor(1, second);
        assertTrue(aborts.isEmpty(), "an interrupt is not a failure of the connection");
    }

    @Test
    void aTimedOutSendAbortsAsThisSidesDoingAndKeepsTheSlotUntilTheJdkIsDone() throws Exception {
        OutboundSender sender = sender(SHORT);
        SendTimeoutException timedOut = assertThrows(SendTimeoutException.class, () -> sender.sendText("stuck", true, true));
        assertTrue(timedOut.getMessage().startsWith("Sending a text frame did not complete within " + Durations.format(SHORT)),
                timedOut.getMessage());
        assertEquals(1, aborts.size());
        Ending aborted = aborts.get(0);
        assertTrue(aborted.local(), "the send timeout is this side's doing");
        assertEquals(CloseStatus.ABNORMAL_CLOSURE, aborted.status().code());
        assertEquals(timedOut.getMessage(), aborted.message());

        // The JDK still holds the send: the next one may not reach it.
        SendTimeoutException waited = assertThrows(SendTimeoutException.class, () -> sender.sendBinary(bytes(1), true, true));
        assertTrue(waited.getMessage().startsWith("Sending the previous send did not complete"), waited.getMessage());
        assertEquals(1, ws.sendCount());

        ws.send(0).complete();
        ws.autoComplete(true);
        sender.sendBinary(bytes(1), true, true);
        assertEquals(2, ws.sendCount(), "the slot came back with the JDK's completion");
    }

    @Test
    void aSendThatTimesOutAfterTheEndIsReportedAsTheEnd() throws Exception {
        OutboundSender sender = endingSender(SHORT);
        assertThrows(SendTimeoutException.class, () -> sender.sendText("stuck", true, true));
        assertTrue(state.ending().local());
        assertTrue(ws.send(0).future.isCompletedExceptionally(), "the abort failed the stuck send, and freed the slot");
        ConnectionClosedException closed = assertThrows(ConnectionClosedException.class, () -> sender.sendText("more", true, true));
        assertTrue(closed.initiatedLocally());
        assertEquals(1, ws.sendCount());
    }

    @Test
    void aFailedJdkSendAbortsAndReportsTheEnd() throws Exception {
        OutboundSender sender = endingSender(null);
        Background send = sending("send", () -> sender.sendBinary(bytes(1, 2), true, true));
        awaitSends(1);
        IOException broken = new IOException("Broken pipe");
        ws.send(0).fail(broken);
        ConnectionClosedException closed = send.failure(ConnectionClosedException.class);
        assertSame(broken, closed.getCause());
        assertFalse(closed.initiatedLocally(), "the connection failed under us");
        assertEquals(CloseStatus.ABNORMAL_CLOSURE, closed.closeStatus().code());
        assertEquals(1, aborts.size());
        assertFalse(aborts.get(0).local());
        assertTrue(ws.aborted());
        assertThrows(ConnectionClosedException.class, () -> sender.sendPing(bytes(1)), "and nothing more goes");
    }

    @Test
    void aJdkSendFailingAfterThePeersCloseReportsThatEnding() throws Exception {
        OutboundSender sender = endingSender(null);
        Background send = sending("send", () -> sender.sendText("late", true, true));
        awaitSends(1);
        Ending peer = new Ending(new CloseStatus(1001, "going away"), "The peer closed the connection", null, false);
        state.end(peer);
        ws.send(0).fail(new IOException("Output closed"));
        ConnectionClosedException closed = send.failure(ConnectionClosedException.class);
        assertEquals(new CloseStatus(1001, "going away"), closed.closeStatus());
        assertTrue(aborts.isEmpty(), "the JDK is answering the peer's Close: no abort");
    }

    @Test
    void aSendFailingOnceThisSidesCloseReachedTheJdkIsRefusedNotAborted() throws Exception {
        OutboundSender sender = endingSender(null);
        Background send = sending("send", () -> sender.sendText("late", true, true));
        awaitSends(1);
        // The Close went to the JDK between this send's checks and its start; the JDK refuses
        // the send because its output is closed. That is a refusal, not a broken connection.
        assertTrue(state.claimClose(new CloseStatus(1000, "bye")));
        ws.send(0).fail(new IOException("Output closed"));
        ConnectionClosedException refused = send.failure(ConnectionClosedException.class);
        assertEquals(state.sendRefusal().getMessage(), refused.getMessage());
        assertTrue(refused.initiatedLocally());
        assertTrue(aborts.isEmpty(), "this side's closing handshake goes on: no abort");
        assertFalse(ws.aborted());
    }

    @Test
    void theClosesOwnFailureStillAborts() throws Exception {
        OutboundSender sender = endingSender(null);
        Background close = sending("close", () -> sender.sendClose(1000, "bye"));
        awaitSends(1);
        ws.send(0).fail(new IOException("Broken pipe"));
        close.failure(ConnectionClosedException.class);
        assertEquals(1, aborts.size(), "the Close itself failed: the connection is broken");
        assertTrue(ws.aborted());
    }

    // ------------------------------------------------------------------- waits, counted

    @Test
    void aWaitForTheSlotIsCountedInSendWaited() throws Exception {
        OutboundSender sender = sender(null);
        assertTrue(sender.trySendPing(bytes(1)), "a keepalive Ping: it holds the control slot until written, and waits for nothing");
        assertEquals(0, counts.waitedNanos());
        Background pong = sending("pong", () -> sender.sendPong(bytes(2))).parked();
        assertEquals(1, ws.sendCount(), "the Pong waits for the Ping's slot");
        ws.autoComplete(true); // the Pong's own write then waits for nothing
        completeFor(0, pong);
        assertTrue(counts.waitedNanos() > 0, "the Pong's wait for the slot");
        assertEquals(Kind.PONG, ws.send(1).kind);
    }

    @Test
    void aWaitForTheWriteIsCountedInSendWaited() throws Exception {
        OutboundSender sender = sender(null);
        Background pong = sending("pong", () -> sender.sendPong(bytes(2)));
        awaitSends(1);
        pong.parked();
        completeFor(0, pong);
        assertTrue(counts.waitedNanos() > 0, "the Pong's wait for the JDK's write");
    }

    @Test
    void aWaitForAnotherThreadsMessageIsCountedInSendWaited() throws Exception {
        ws.autoComplete(true); // no send waits for a write or a slot here, only for the turn
        OutboundSender sender = sender(null);
        CountDownLatch finish = new CountDownLatch(1);
        Background owner = Background.start("owner", () -> {
            sender.sendText("a", false, false);
            finish.await();
            sender.sendText("b", true, false);
            return null;
        });
        FakeWebSocket.spinUntil(() -> ws.sendCount() == 1, "the owner's first frame");
        Background other = sending("other", () -> sender.sendText("whole", true, true)).parked();
        assertEquals(0, counts.waitedNanos());
        finish.countDown();
        owner.result();
        other.result();
        assertTrue(counts.waitedNanos() > 0, "the other thread's wait for its turn");
        assertEquals(List.of("a", "b", "whole"), ws.sends().stream().map(send -> send.text).toList());
    }

    @Test
    void aPingForARoundTripWaitsForTheControlSlotAndTheWriteWithinItsTime() throws Exception {
        OutboundSender sender = sender(null);
        assertTrue(sender.trySendPing(bytes(1)));
        assertFalse(sender.sendPingWithin(bytes(2), TimeUnit.MILLISECONDS.toNanos(50)),
                "the slot stays taken: not written within 50 ms");
        assertEquals(1, ws.sendCount(), "and not sent");
        long waitedForTheSlot = counts.waitedNanos();
        assertTrue(waitedForTheSlot > 0);

        Background ping = Background.start("ping", () -> sender.sendPingWithin(bytes(3), Long.MAX_VALUE / 2)).parked();
        ws.send(0).complete(); // the slot is free: the Ping goes, and waits for its write
        awaitSends(2);
        assertEquals(Kind.PING, ws.send(1).kind);
        ping.parked();
        ws.send(1).complete();
        assertEquals(true, ping.result());
        assertTrue(counts.waitedNanos() > waitedForTheSlot, "the waits for the slot and for the write");
    }

    @Test
    void aStreamsFrameIsHandedOverWhenTheJdkHasIt() throws Exception {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        SendStream writer = StreamTokens.named("a writer");
        sender.openStream(writer);
        List<String> handedOver = new ArrayList<>();
        sender.streamText(writer, "a", false, () -> handedOver.add("a"));
        sender.streamText(writer, "b", true, () -> handedOver.add("b"));
        assertEquals(List.of("a", "b"), handedOver, "the stream may reuse its buffer once each frame is handed over");
    }

    @Test
    void fragmentationIsTrackedAndMistakesSayWhatToDo() throws Exception {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        sender.sendText("a", false, false);
        IllegalStateException binaryInText = assertThrows(IllegalStateException.class,
                () -> sender.sendBinary(bytes(1), false, false));
        assertEquals("Cannot send a binary frame inside an unfinished text message: finish it first with"
                + " sendFrame(text, true)", binaryInText.getMessage());
        IllegalStateException wholeInText = assertThrows(IllegalStateException.class, () -> sender.sendText("b", true, true));
        assertEquals("Cannot send a whole text message inside an unfinished text message: finish it first with"
                + " sendFrame(text, true)", wholeInText.getMessage());
        sender.sendPing(bytes(1)); // control frames go between fragments
        sender.sendText("b", true, false);

        sender.sendBinary(bytes(1), false, false);
        IllegalStateException textInBinary = assertThrows(IllegalStateException.class, () -> sender.sendText("x", false, false));
        assertEquals("Cannot send a text frame inside an unfinished binary message: finish it first with"
                + " sendFrame(bytes, true)", textInBinary.getMessage());
        IllegalStateException wholeInBinary = assertThrows(IllegalStateException.class,
                () -> sender.sendBinary(bytes(2), true, true));
        assertEquals("Cannot send a whole binary message inside an unfinished binary message: finish it first with"
                + " sendFrame(bytes, true)", wholeInBinary.getMessage());
        sender.sendBinary(bytes(2), true, false);
        sender.sendText("whole", true, true);

        assertEquals(List.of("TEXT \"a\" more", "PING 1 bytes", "TEXT \"b\" last", "BINARY 1 bytes more",
                "BINARY 1 bytes last", "TEXT \"whole\" last"), ws.sends().stream().map(Send::toString).toList(),
                "refused sends never reached the JDK, and gave their slot back");
    }

    @Test
    void aHighSurrogateAtTheEndOfAFragmentWaitsForItsLowSurrogate() throws Exception {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        sender.sendText("ab\uD83D", false, false);
        assertEquals("ab", ws.send(0).text, "the JDK would refuse half a pair");
        IllegalArgumentException notLow = assertThrows(IllegalArgumentException.class, () -> sender.sendText("c", true, false));
        assertEquals("The previous text frame ended with a high surrogate (U+D83D); this frame must start with its"
                + " low surrogate, but starts with U+0063", notLow.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> sender.sendText("", true, false));
        assertTrue(empty.getMessage().endsWith("but starts with nothing"), empty.getMessage());
        sender.sendText("\uDE00c", true, false); // the refusals changed nothing
        assertEquals("\uD83D\uDE00c", ws.send(1).text);
        assertEquals(2, ws.sendCount());
    }

    @Test
    void unpairedSurrogatesAreRefusedBeforeAnythingIsSent() throws Exception {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        IllegalArgumentException lowAlone = assertThrows(IllegalArgumentException.class,
                () -> sender.sendText("a\uDE00b", true, true));
        assertTrue(lowAlone.getMessage().startsWith("Text has an unpaired surrogate at index 1 (U+DE00)"), lowAlone.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sender.sendText("a\uD83D", true, false),
                "a final frame may not end in a high surrogate");
        assertEquals(0, ws.sendCount());
        sender.sendText("fine", true, true);
        assertEquals(1, ws.sendCount(), "the refusals gave the slot back");
    }

    @Test
    void nothingButTheOneCloseGoesAfterAClose() throws Exception {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        sender.sendClose(1000, "bye");
        assertEquals(ConnectionState.Phase.OPEN, state.phase(), "the peer's frames are still read");
        assertFalse(state.isOpen(), "one truth for a Close sent: the one Close claimed");
        ConnectionClosedException text = assertThrows(ConnectionClosedException.class, () -> sender.sendText("x", true, true));
        assertTrue(text.getMessage().startsWith("A Close (" + new CloseStatus(1000, "bye") + ") was already sent"),
                text.getMessage());
        assertTrue(text.initiatedLocally());
        assertThrows(ConnectionClosedException.class, () -> sender.sendPing(bytes(1)));
        assertThrows(ConnectionClosedException.class, () -> sender.sendPong(bytes(1)));
        assertThrows(ConnectionClosedException.class, () -> sender.sendClose(1000, "again"));
        assertFalse(sender.trySendPing(bytes(1)));
        assertEquals(1, ws.sendCount());
        assertEquals(Kind.CLOSE, ws.send(0).kind);
        assertEquals(1000, ws.send(0).code);
        assertEquals("bye", ws.send(0).text);
    }

    @Test
    void aCloseMayGoWhileADataSendIsPending() throws Exception {
        OutboundSender sender = sender(null);
        Background data = sending("data", () -> sender.sendText("pending", true, true));
        awaitSends(1);
        sender.startClose(new CloseStatus(1000, ""));
        assertEquals(Kind.CLOSE, ws.send(1).kind);
        completeFor(0, data);
    }

    @Test
    void theKeepalivesPingIsSkippedWhileAPingOrPongIsPending() throws Exception {
        OutboundSender sender = sender(null);
        assertTrue(sender.trySendPing(bytes(1)));
        assertFalse(sender.trySendPing(bytes(2)), "the control slot is taken until the JDK is done");
        ws.send(0).complete();
        assertTrue(sender.trySendPing(bytes(3)));
        assertEquals(2, ws.sendCount());
    }

    @Test
    void sendPingWithinGivesUpWithoutClosingTheConnection() throws Exception {
        OutboundSender sender = sender(null);
        assertFalse(sender.sendPingWithin(bytes(1), 0), "not written in time");
        assertTrue(aborts.isEmpty());
        assertFalse(sender.sendPingWithin(bytes(2), 0), "the slot is still the first Ping's");
        assertEquals(1, ws.sendCount());
        ws.send(0).complete();
        ws.autoComplete(true);
        assertTrue(sender.sendPingWithin(bytes(3), 1_000_000_000L));
        assertInstanceOf(Send.class, ws.send(1));
    }

    @Test
    void aJdkRefusalOfTheArgumentsIsTheCallersMistakeNotTheEndOfTheConnection() throws Exception {
        OutboundSender sender = endingSender(null);
        Background text = sending("text", () -> sender.sendText("x", true, true));
        awaitSends(1);
        ws.send(0).fail(new IllegalArgumentException("Malformed UTF-16"));
        IllegalArgumentException refused = text.failure(IllegalArgumentException.class);
        assertEquals("Malformed UTF-16", refused.getMessage());
        Background ping = sending("ping", () -> sender.sendPing(bytes(1)));
        awaitSends(2);
        ws.send(1).fail(new IllegalStateException("Send pending"));
        assertEquals("Send pending", ping.failure(IllegalStateException.class).getMessage());
        assertTrue(aborts.isEmpty(), "the connection stays open");
        assertTrue(state.isOpen());
    }

    @Test
    void aJdkSendFailingAfterThePeersCloseKeepsTheJdksErrorAsCause() throws Exception {
        OutboundSender sender = endingSender(null);
        Background send = sending("send", () -> sender.sendText("late", true, true));
        awaitSends(1);
        state.end(new Ending(new CloseStatus(1000, ""), "The peer closed the connection", null, false));
        IOException outputClosed = new IOException("Output closed");
        ws.send(0).fail(outputClosed);
        assertSame(outputClosed, send.failure(ConnectionClosedException.class).getCause());
    }

    @Test
    void anInterruptedSenderKeepsItsInterruptStatus() throws Exception {
        OutboundSender sender = sender(null);
        sending("holder", () -> sender.sendText("one", true, true));
        awaitSends(1);
        Background waiting = Background.start("waiting", () -> {
            try {
                sender.sendText("two", true, true);
                return "sent";
            } catch (InterruptedIOException e) {
                return Thread.currentThread().isInterrupted() ? "interrupted, status kept" : "interrupted, status lost";
            }
        }).parked();
        waiting.thread.interrupt();
        assertEquals("interrupted, status kept", waiting.result());
        ws.send(0).complete();
    }

    @Test
    void sendCloseReturnsOnlyOnceTheCloseIsWritten() throws Exception {
        OutboundSender sender = sender(null);
        Background close = sending("close", () -> sender.sendClose(1000, "bye")).parked();
        assertEquals(Kind.CLOSE, ws.send(0).kind);
        assertFalse(close.isDone(), "the Close is not written yet");
        completeFor(0, close);
    }

    @Test
    void aPingWrittenWithinTheTimeCounts() throws Exception {
        OutboundSender sender = sender(null);
        Background ping = Background.start("ping", () -> sender.sendPingWithin(bytes(1), Duration.ofMinutes(1).toNanos()))
                .parked();
        ws.send(0).complete();
        assertEquals(true, ping.result());
    }

    /** Opening a send stream waits for the data slot like a send, and its SendWait event names the stream's frames. */
    @Test
    void aTextStreamThatWaitsToOpenIsATextFrameSendWait() throws Exception {
        List<RecordedEvent> waits = new CopyOnWriteArrayList<>();
        try (RecordingStream recording = new RecordingStream()) {
            recording.enable("dev.framewire.SendWait").withThreshold(Duration.ZERO).withStackTrace();
            recording.setReuse(false);
            recording.onEvent(waits::add);
            CountDownLatch flushed = new CountDownLatch(1);
            recording.onFlush(flushed::countDown);
            recording.startAsync();
            assertTrue(flushed.await(20, TimeUnit.SECONDS), "the recording never flushed");

            OutboundSender sender = sender(null);
            Background binary = sending("binary", () -> sender.sendBinary(bytes(1), true, true));
            awaitSends(1);
            Background opening = Background.start("opening", () -> TextSendWriter.open(sender)).parked();
            completeFor(0, binary);
            opening.result();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); // the stream flushes about once a second
            while (waits.stream().noneMatch(e -> "slot".equals(e.getString("waitedFor"))) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            List<String> frames = waits.stream().filter(e -> "slot".equals(e.getString("waitedFor")))
                    .map(e -> e.getString("frame")).toList();
            assertEquals(List.of("text frame"), frames, "the slot waits recorded: " + waits);
        }
    }

    @Test
    void onlyTheStreamSendsWhileItIsOpenUntilItsLastFrame() throws Exception {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        SendStream stream = StreamTokens.named("the test's stream");
        sender.openStream(stream);
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> sender.openStream(StreamTokens.named("another stream")));
        assertEquals("Cannot open another stream while the test's stream is open: close() it first", again.getMessage());
        sender.streamBinary(stream, bytes(1), false, SendBuffer.NOTHING);
        IllegalStateException outside = assertThrows(IllegalStateException.class, () -> sender.sendText("x", true, true));
        assertEquals("Cannot send while the test's stream is open: close() it first (Ping, Pong and Close may be sent"
                + " meanwhile)", outside.getMessage());
        sender.sendPong(bytes(2));
        sender.streamBinary(stream, bytes(3), true, SendBuffer.NOTHING);
        sender.sendText("after", true, true);

        SendStream writer = StreamTokens.named("the test's writer");
        sender.openStream(writer);
        sender.streamText(writer, "a", false, SendBuffer.NOTHING);
        IllegalStateException inWriter = assertThrows(IllegalStateException.class, () -> sender.sendText("x", false, false));
        assertTrue(inWriter.getMessage().startsWith("Cannot send while the test's writer is open"), inWriter.getMessage());
        assertThrows(IllegalStateException.class, () -> sender.sendBinary(bytes(4), false, false));
        sender.streamText(writer, "b", true, SendBuffer.NOTHING);
        sender.sendBinary(bytes(5), true, true);
        assertEquals(List.of("BINARY 1 bytes more", "PONG 1 bytes", "BINARY 1 bytes last", "TEXT \"after\" last",
                "TEXT \"a\" more", "TEXT \"b\" last", "BINARY 1 bytes last"),
                ws.sends().stream().map(Send::toString).toList());
    }

    @Test
    void aStreamCannotOpenInsideAnUnfinishedMessageNorAfterTheEnd() throws Exception {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        sender.sendText("half", false, false);
        IllegalStateException inText = assertThrows(IllegalStateException.class, () -> sender.openStream(StreamTokens.named("a stream")));
        assertEquals("Cannot open a stream inside an unfinished text message: finish it first with sendFrame(…, true)",
                inText.getMessage());
        sender.sendText("", true, false); // the refusal gave the data slot back: this does not block
        sender.sendBinary(bytes(1), false, false);
        IllegalStateException inBinary = assertThrows(IllegalStateException.class, () -> sender.openStream(StreamTokens.named("a stream")));
        assertTrue(inBinary.getMessage().contains("inside an unfinished binary message"), inBinary.getMessage());
        sender.sendBinary(bytes(2), true, false);
        sender.openStream(StreamTokens.named("a stream"));
        sender.streamBinary(StreamTokens.named("a stream"), bytes(3), true, SendBuffer.NOTHING);
        sender.sendClose(1000, "");
        assertThrows(ConnectionClosedException.class, () -> sender.openStream(StreamTokens.named("a late stream")));
    }

    @Test
    void anEmptyNonFinalTextFrameGoesOutAsItIs() throws Exception {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        sender.sendText("", false, false);
        sender.sendText("", true, false);
        assertEquals(List.of("TEXT \"\" more", "TEXT \"\" last"), ws.sends().stream().map(Send::toString).toList());
    }

    @Test
    void anUnpairedSurrogateAfterACompletedPairIsReportedAtItsIndexInTheCallersText() throws Exception {
        ws.autoComplete(true);
        OutboundSender sender = sender(null);
        sender.sendText("\uD83D", false, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sender.sendText("\uDE00a\uDE00", true, false));
        assertTrue(e.getMessage().startsWith("Text has an unpaired surrogate at index 2 (U+DE00)"), e.getMessage());
    }

    @Test
    void anOpenStreamsFramesWaitForEachOtherInTheDataSlot() throws Exception {
        OutboundSender sender = sender(null);
        SendStream stream = StreamTokens.named("the test's stream");
        sender.openStream(stream);
        Background first = sending("first", () -> sender.streamBinary(stream, bytes(1), false, SendBuffer.NOTHING));
        awaitSends(1);
        Background second = sending("second", () -> sender.streamBinary(stream, bytes(2), true, SendBuffer.NOTHING)).parked();
        assertEquals(1, ws.sendCount(), "opening the stream gave back exactly the permit it took");
        completeFor(0, first);
        awaitSends(2);
        completeFor(1, second);
    }

    /** Runs {@code call} on a thread of its own, interrupts it once its send reached the JDK, and returns what it threw. */
    private InterruptedIOException interruptedWhileTheJdkWrites(int sendIndex, SendCall call) throws Exception {
        Background caller = Background.start("caller", () -> {
            try {
                call.send();
                return "not interrupted";
            } catch (InterruptedIOException e) {
                return e;
            }
        });
        awaitSends(sendIndex + 1);
        caller.parked().thread.interrupt();
        InterruptedIOException e = (InterruptedIOException) caller.result();
        assertTrue(e.getMessage().contains("the send goes on in the background"), e.getMessage());
        ws.send(sendIndex).complete();
        return e;
    }

    @Test
    void anInterruptedSendSaysInBytesTransferredWhetherTheJdkHasIt() throws Exception {
        OutboundSender sender = sender(null);
        Thread.currentThread().interrupt();
        try {
            InterruptedIOException before = assertThrows(InterruptedIOException.class,
                    () -> sender.sendBinary(bytes(1, 2, 3), true, true));
            assertEquals(0, before.bytesTransferred, "nothing reached the JDK");
        } finally {
            assertTrue(Thread.interrupted());
        }
        assertEquals(0, ws.sendCount());

        assertEquals(3, interruptedWhileTheJdkWrites(0, () -> sender.sendBinary(bytes(1, 2, 3), true, true)).bytesTransferred);
        assertEquals(5, interruptedWhileTheJdkWrites(1, () -> sender.sendText("h\u00e9llo", true, true)).bytesTransferred,
                "chars, for text");
        assertEquals(2, interruptedWhileTheJdkWrites(2, () -> sender.sendPing(bytes(8, 9))).bytesTransferred);
        assertEquals(1, interruptedWhileTheJdkWrites(3, () -> sender.sendPong(bytes(7))).bytesTransferred);
        assertEquals(2, interruptedWhileTheJdkWrites(4, () -> sender.sendText("d\uD83D", false, false)).bytesTransferred,
                "the held-back high surrogate was taken too");
        assertEquals(2 + 4, interruptedWhileTheJdkWrites(5, () -> sender.sendClose(1000, "by\u00e9")).bytesTransferred,
                "the code and the reason's UTF-8 bytes");
        assertTrue(aborts.isEmpty());
    }

    /**
     * What {@link OutboundSender} hands the JDK: every payload buffer big-endian and holding exactly
     * the caller's bytes (the fake reads buffers as JDK 17 does, so a little-endian buffer handed over
     * as it is comes out reordered, JDK-8351339), and the frames of one thread's fragmented message
     * never mixed with another thread's ({@link MessageTurn}).
     */
    @Nested
    class Exactness {

        private final FakeWebSocket ws = new FakeWebSocket();
        private final ConnectionState state = new ConnectionState();
        private final List<Ending> aborts = new CopyOnWriteArrayList<>();

        private OutboundSender sender(Duration sendTimeout) {
            return EndingSender.on(ws, state, sendTimeout, aborts);
        }

        @AfterEach
        void theJdkNeverSawTwoPendingSendsOfAKind() {
            assertEquals(0, ws.overlappingSends());
        }

        /** {@code n} bytes 1, 2, 3, … in buffers of every kind a caller may pass, each little-endian. */
        private static List<ByteBuffer> littleEndianBuffers(int n) {
            IntFunction<ByteBuffer> filled = size -> {
                ByteBuffer b = ByteBuffer.allocate(size);
                for (int i = 0; i < size; i++) {
                    b.put(i, (byte) (i + 1));
                }
                return b;
            };
            List<ByteBuffer> buffers = new ArrayList<>();
            buffers.add(filled.apply(n));
            ByteBuffer direct = ByteBuffer.allocateDirect(n);
            direct.put(filled.apply(n)).flip();
            buffers.add(direct);
            buffers.add(filled.apply(n).asReadOnlyBuffer());
            ByteBuffer wider = ByteBuffer.allocate(n + 7);
            wider.position(3).put(filled.apply(n)).flip().position(3);
            buffers.add(wider.slice());               // a slice at an offset
            ByteBuffer positioned = ByteBuffer.allocate(n + 7);
            positioned.position(5).put(filled.apply(n)).limit(5 + n).position(5);
            buffers.add(positioned);                  // position above zero, limit below capacity
            buffers.replaceAll(b -> b.order(ByteOrder.LITTLE_ENDIAN));
            return buffers;
        }

        private static byte[] expected(int n) {
            byte[] bytes = new byte[n];
            for (int i = 0; i < n; i++) {
                bytes[i] = (byte) (i + 1);
            }
            return bytes;
        }

        /** One way to send a buffer; returns nothing, the send is read back from the fake. */
        @FunctionalInterface
        private interface BufferSend {
            void send(OutboundSender sender, ByteBuffer payload) throws IOException;
        }

        private void assertExact(String what, BufferSend send, int size) throws IOException {
            assertExact(what, send, size, true);
        }

        /** @param callersBuffer the buffer is a caller's, whose position a send moves to its limit */
        private void assertExact(String what, BufferSend send, int size, boolean callersBuffer) throws IOException {
            ws.autoComplete(true);
            OutboundSender sender = sender(null);
            for (ByteBuffer callers : littleEndianBuffers(size)) {
                int limit = callers.limit();
                send.send(sender, callers);
                Send handed = ws.send(ws.sendCount() - 1);
                String buffer = what + " of " + callers;
                assertEquals(ByteOrder.BIG_ENDIAN, handed.order, buffer + ": the JDK must get a big-endian buffer");
                assertArrayEquals(expected(size), handed.bytes, buffer + ": the peer must receive the caller's bytes");
                if (callersBuffer) {
                    assertEquals(limit, callers.position(), buffer + ": a send that returned leaves the position at the limit");
                }
                assertEquals(limit, callers.limit(), buffer);
                assertEquals(ByteOrder.LITTLE_ENDIAN, callers.order(), buffer + ": the caller's order is left alone");
            }
        }

        @Test
        void everyBufferHandedToTheJdkIsBigEndian() throws IOException {
            assertExact("a whole binary message", (s, b) -> s.sendBinary(b, true, true), 1000);
            assertExact("a binary frame", (s, b) -> s.sendBinary(b, false, false), 24);
        }

        @Test
        void pingAndPongPayloadsAreHandedOverBigEndianToo() throws IOException {
            assertExact("a Ping", OutboundSender::sendPing, 125);
            assertExact("a Pong", OutboundSender::sendPong, 9);
            // framewire's own Pings (keepalive, ping(Duration)): no caller's buffer to consume
            assertExact("the keepalive's Ping", (s, b) -> assertTrue(s.trySendPing(b)), 16, false);
            assertExact("a timed Ping", (s, b) -> assertTrue(s.sendPingWithin(b, Duration.ofSeconds(5).toNanos())), 8, false);
        }

        @Test
        void aRefusedSendLeavesTheCallersBufferAsItWas() throws IOException {
            ws.autoComplete(true);
            OutboundSender sender = sender(null);
            sender.sendText("half", false, false);
            ByteBuffer callers = ByteBuffer.wrap(expected(10));
            assertThrows(IllegalStateException.class, () -> sender.sendBinary(callers, true, true));
            assertEquals(0, callers.position(), "nothing was sent, so nothing was consumed");
        }

        // ------------------------------------------------------------------ one message at a time

        @Test
        void anotherThreadsFramesWaitUntilTheUnfinishedMessageIsFinished() throws Exception {
            ws.autoComplete(true);
            OutboundSender sender = sender(null);
            sender.sendText("A-part1 ", false, false);
            Background b = Background.start("B", () -> {
                sender.sendText("B-part1 ", false, false);
                sender.sendText("B-part2", true, false);
                return null;
            }).parked();
            Background whole = Background.start("C", () -> {
                sender.sendBinary(ByteBuffer.wrap(new byte[] {7}), true, true);
                return null;
            }).parked();
            sender.sendPing(ByteBuffer.wrap(new byte[] {1})); // control frames still go between fragments
            assertEquals(List.of("TEXT \"A-part1 \" more", "PING 1 bytes"), descriptions());
            sender.sendText("A-part2", true, false);
            b.result();
            whole.result();
            List<String> sent = descriptions();
            assertEquals("TEXT \"A-part2\" last", sent.get(2), "the owner's last frame came before anyone else's");
            int bStart = sent.indexOf("TEXT \"B-part1 \" more");
            assertEquals("TEXT \"B-part2\" last", sent.get(bStart + 1), "B's message is not cut by C's: " + sent);
            assertTrue(sent.contains("BINARY 1 bytes last"), sent.toString());
        }

        @Test
        void theOwnerMayNotStartAnotherMessageInsideItsOwn() throws Exception {
            ws.autoComplete(true);
            OutboundSender sender = sender(null);
            sender.sendText("half", false, false);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> sender.sendText("whole", true, true));
            assertTrue(e.getMessage().startsWith("Cannot send a whole text message inside an unfinished text message"),
                    e.getMessage());
            sender.sendText("rest", true, false);
        }

        @Test
        void aWaitForAnotherThreadsMessageCountsAgainstTheSendTimeout() throws Exception {
            ws.autoComplete(true);
            OutboundSender sender = sender(Duration.ofMillis(200));
            sender.sendBinary(ByteBuffer.wrap(new byte[] {1}), false, false);
            Background late = Background.start("late", () -> {
                sender.sendText("mine", true, true);
                return null;
            });
            SendTimeoutException timedOut = late.failure(SendTimeoutException.class);
            assertEquals("Another thread's unfinished binary message (started by thread \"" + Thread.currentThread().getName()
                    + "\") was not finished within 200 ms, so this send could not start; the connection was aborted",
                    timedOut.getMessage());
            assertEquals(1, aborts.size());
            assertEquals(1, ws.sendCount(), "nothing of the late thread reached the JDK");
        }

        @Test
        void theEndOfTheConnectionWakesAThreadWaitingForItsTurn() throws Exception {
            ws.autoComplete(true);
            OutboundSender sender = sender(null);
            sender.sendText("half", false, false);
            Background waiting = Background.start("waiting", () -> {
                sender.sendText("mine", true, true);
                return null;
            }).parked();
            state.end(Ending.dropped("gone", null));
            waiting.failure(ConnectionClosedException.class);
            assertEquals(1, ws.sendCount());
        }

        @Test
        void aCloseWakesAThreadWaitingForItsTurn() throws Exception {
            ws.autoComplete(true);
            OutboundSender sender = sender(null);
            sender.sendText("half", false, false);
            Background waiting = Background.start("waiting", () -> {
                sender.sendBinary(ByteBuffer.allocate(1), false, false);
                return null;
            }).parked();
            sender.sendClose(1000, "");
            ConnectionClosedException refused = waiting.failure(ConnectionClosedException.class);
            assertTrue(refused.getMessage().contains("was already sent"), refused.getMessage());
            assertEquals(List.of(Kind.TEXT, Kind.CLOSE), ws.sends().stream().map(s -> s.kind).toList());
        }

        @Test
        void aStreamOpenedOnAnotherThreadWaitsForTheUnfinishedMessage() throws Exception {
            ws.autoComplete(true);
            OutboundSender sender = sender(null);
            sender.sendText("half", false, false);
            Background opening = Background.start("opening", () -> {
                sender.openStream(StreamTokens.named("a stream"));
                sender.streamBinary(StreamTokens.named("a stream"), ByteBuffer.allocate(2), true, SendBuffer.NOTHING);
                return null;
            }).parked();
            assertFalse(opening.isDone());
            sender.sendText("rest", true, false);
            opening.result();
            assertEquals(List.of("TEXT \"half\" more", "TEXT \"rest\" last", "BINARY 2 bytes last"), descriptions());
        }

        private List<String> descriptions() {
            return ws.sends().stream().map(Send::toString).toList();
        }
    }
}
