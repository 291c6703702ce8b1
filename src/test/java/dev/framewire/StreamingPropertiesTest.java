package dev.framewire;

import static dev.framewire.testkit.WireFrame.BINARY;
import static dev.framewire.testkit.WireFrame.CONTINUATION;
import static dev.framewire.testkit.WireFrame.PING;
import static dev.framewire.testkit.WireFrame.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.framewire.testing.CharsShape;
import dev.framewire.testing.GeneratedPayloads.Alphabet;
import dev.framewire.testing.GeneratedPayloads;
import dev.framewire.testing.PeerSession;
import dev.framewire.testing.ServerTraffic.ServerMessage;
import dev.framewire.testing.ServerTraffic;
import dev.framewire.testing.ShowFailedSample;
import dev.framewire.testing.WireAssertions;
import dev.framewire.testkit.ClientFrame;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * docs/streaming.md, as properties: a message written through {@code sendStream()} or
 * {@code sendWriter()} in chunks of any size, with flushes anywhere, arrives exactly as written,
 * in the frames the page describes; and a message read through {@code readMessageStream()}, with
 * reads of any size, is exactly what the server sent.
 */
@AddLifecycleHook(ShowFailedSample.class)
class StreamingPropertiesTest {

    /** The buffer of {@code sendStream()}: a full one goes out as a frame (docs/streaming.md). */
    private static final int STREAM_BUFFER = 64 * 1024;
    /** Long enough for two full stream buffers and a few bytes more. */
    private static final int MAX_STREAMED = 2 * STREAM_BUFFER + 5_000;

    private static PeerSession session;

    @BeforeContainer
    static void start() throws Exception {
        session = PeerSession.recording(PeerSession::defaults);
    }

    @AfterContainer
    static void stop() {
        session.close();
    }

    /**
     * One call on a send stream or writer: a write of {@code length} bytes or chars (modulo what
     * is left; the rest of the message goes in one last write), a flush, or a Ping. Arrays are
     * written from {@code offset} into an array with other data around; for a writer, an append
     * goes through a {@code CharSequence} of shape {@code chars}.
     */
    record Call(Kind kind, int length, int offset, CharsShape chars) {

        enum Kind { WRITE_ARRAY, WRITE_ONE, WRITE_STRING, APPEND, APPEND_RANGE, FLUSH, PING }

        static Arbitrary<Call> any() {
            return Combinators.combine(Arbitraries.of(Kind.values()), GeneratedPayloads.sizes(MAX_STREAMED),
                    Arbitraries.integers().between(0, 9), CharsShape.any()).as(Call::new);
        }

        @Override
        public String toString() {
            return switch (kind) {
                case FLUSH, PING -> kind.toString();
                case WRITE_ONE -> "write(int)";
                case APPEND, APPEND_RANGE -> kind + " " + length + " from " + chars;
                default -> kind + " " + length + (offset > 0 ? " at offset " + offset : "");
            };
        }
    }

    @Provide
    Arbitrary<Integer> sizes() {
        return GeneratedPayloads.sizes(MAX_STREAMED);
    }

    @Provide
    Arbitrary<Long> seeds() {
        return GeneratedPayloads.seeds();
    }

    @Provide
    Arbitrary<List<Call>> calls() {
        return Call.any().list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<ServerTraffic> traffic() {
        return ServerTraffic.upTo(4);
    }

    @Provide
    Arbitrary<List<Integer>> readSizes() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(1, 16)),
                Tuple.of(2, GeneratedPayloads.sizes(ServerTraffic.MAX_MESSAGE).map(n -> n + 1)))
                .list().ofMinSize(1).ofMaxSize(6);
    }

    /**
     * A binary message through {@code sendStream()}: the frames are exactly what the page says
     * (a full 64 KiB buffer or a flush with something buffered sends a non-final frame, close the
     * final one), Pings go out between them, and changing an array after its write returned changes
     * nothing that was sent.
     */
    @Property(tries = 500)
    void sendStreamSendsWhatWasWrittenInTheFramesDescribed(@ForAll("sizes") int size, @ForAll("seeds") long seed,
                                                           @ForAll("calls") List<Call> calls) throws Exception {
        byte[] payload = GeneratedPayloads.bytes(size, seed);
        session.run((ws, server) -> {
            List<ClientFrame> expected = new ArrayList<>();
            ByteArrayOutputStream buffered = new ByteArrayOutputStream();
            int pings = 0;
            int done = 0;
            try (OutputStream out = ws.sendStream()) {
                for (int i = 0; i <= calls.size(); i++) {
                    Call call = i < calls.size() ? calls.get(i) : new Call(Call.Kind.WRITE_ARRAY, Integer.MAX_VALUE, 3, null);
                    int n = Math.min(call.length(), payload.length - done);
                    switch (call.kind()) {
                        case FLUSH -> {
                            out.flush();
                            if (buffered.size() > 0) {
                                expected.add(frame(expected, false, buffered));
                            }
                        }
                        case PING -> {
                            byte[] ping = ("stream ping " + pings++).getBytes(StandardCharsets.UTF_8);
                            ws.sendPing(ByteBuffer.wrap(ping));
                            expected.add(ClientFrame.of(PING, true, ping));
                        }
                        case WRITE_ONE -> {
                            if (n > 0) {
                                out.write(payload[done] - 256 * (done % 3)); // only the low 8 bits count
                                done++;
                                buffered.write(payload[done - 1]);
                            }
                        }
                        default -> {
                            byte[] chunk = new byte[call.offset() + n + 2];
                            Arrays.fill(chunk, (byte) 0xEE);
                            System.arraycopy(payload, done, chunk, call.offset(), n);
                            out.write(chunk, call.offset(), n);
                            Arrays.fill(chunk, (byte) 0x11); // changing it now must change nothing sent
                            for (int j = 0; j < n; j++) {
                                buffered.write(payload[done + j]);
                                if (buffered.size() == STREAM_BUFFER) {
                                    expected.add(frame(expected, false, buffered));
                                }
                            }
                            done += n;
                        }
                    }
                    if (buffered.size() == STREAM_BUFFER) {
                        expected.add(frame(expected, false, buffered));
                    }
                }
            }
            expected.add(frame(expected, true, buffered));
            List<ClientFrame> actual = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                actual.add(server.next());
            }
            WireAssertions.assertFrames(expected, actual);
            session.endTry(ws, server);
        });
    }

    /**
     * A text message through {@code sendWriter()}, written in chunks of any size through every
     * kind of write, one char at a time included (a surrogate pair split between two calls), with
     * flushes anywhere: the peer receives the text, and every frame holds whole characters.
     */
    @Property(tries = 500)
    void sendWriterSendsWhatWasWrittenInWholeCharacters(@ForAll("sizes") int utf8Size, @ForAll Alphabet alphabet,
                                                        @ForAll("seeds") long seed,
                                                        @ForAll("calls") List<Call> calls) throws Exception {
        String text = GeneratedPayloads.text(utf8Size, alphabet, seed);
        session.run((ws, server) -> {
            int done = 0;
            try (Writer out = ws.sendWriter()) {
                for (int i = 0; i <= calls.size(); i++) {
                    Call call = i < calls.size() ? calls.get(i) : new Call(Call.Kind.WRITE_STRING, Integer.MAX_VALUE, 2, null);
                    int n = Math.min(call.length(), text.length() - done);
                    String chunk = text.substring(done, done + n);
                    switch (call.kind()) {
                        case FLUSH -> out.flush();
                        case PING -> {
                            continue; // a Ping's place among the writer's frames depends on its buffer: not checked here
                        }
                        case WRITE_ONE -> {
                            if (n > 0) {
                                out.write(text.charAt(done) | 0x7FFF0000); // only the low 16 bits count
                                done++;
                            }
                            continue;
                        }
                        case WRITE_ARRAY -> {
                            char[] array = new char[call.offset() + n + 2];
                            Arrays.fill(array, '\u2592');
                            chunk.getChars(0, n, array, call.offset());
                            out.write(array, call.offset(), n);
                            Arrays.fill(array, 'x'); // changing it now must change nothing sent
                        }
                        case WRITE_STRING -> out.write("<<" + chunk + ">>", 2, n);
                        case APPEND -> out.append(call.chars().make(chunk).chars());
                        case APPEND_RANGE -> out.append(call.chars().make("<" + chunk + ">").chars(), 1, n + 1);
                        default -> throw new AssertionError(call);
                    }
                    if (call.kind() != Call.Kind.FLUSH) {
                        done += n;
                    }
                }
            }
            WireAssertions.assertSameMessage(List.of(ClientFrame.of(TEXT, true, GeneratedPayloads.utf8(text))),
                    server.nextMessage());
            session.endTry(ws, server);
        });
    }

    /**
     * Streams closed early at any point (before their first byte, in the middle of any part, or
     * after their last byte): nothing of an abandoned message reaches the next read, and the
     * messages read whole are exact (issue 19: the rest of a closed stream's message was glued to
     * the next message).
     */
    @Property(tries = 300)
    void anEarlyClosedStreamLeavesNothingOfItsMessageBehind(@ForAll("traffic") ServerTraffic traffic,
                                                            @ForAll("closeAfter") List<Integer> closeAfter) throws Exception {
        session.run((ws, server) -> {
            ServerTraffic.Sending sending = traffic.sendInBackground(server.raw());
            for (int i = 0; i < traffic.messages().size(); i++) {
                ServerMessage sent = traffic.messages().get(i);
                String which = "message #" + i + " (" + sent + ")";
                int limit = closeAfter.get(i % closeAfter.size()); // -1: read it all
                try (MessageStream stream = ws.readMessageStream()) {
                    assertEquals(sent.text() ? Opcode.TEXT : Opcode.BINARY, stream.type(), which);
                    byte[] expected = sent.payload();
                    int want = limit < 0 ? expected.length : Math.min(limit, expected.length);
                    byte[] read = stream.readNBytes(want);
                    assertArrayEquals(Arrays.copyOf(expected, want), read, which + ": its first " + want + " bytes");
                    if (limit < 0) {
                        assertEquals(-1, stream.read(), which + ": read to its end");
                    }
                } // closed here, early or not
            }
            assertEquals(Message.ofText(sending.endMark()), ws.readMessage(),
                    "the message after the messages sent: the try's own end mark, nothing of an abandoned one");
            sending.await();
        });
    }

    @Provide
    Arbitrary<List<Integer>> closeAfter() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(-1)),
                Tuple.of(3, Arbitraries.integers().between(0, ServerTraffic.MAX_MESSAGE))).list().ofMinSize(1).ofMaxSize(4);
    }

    /**
     * Messages read through {@code readMessageStream()} with reads of any size (one byte at a time
     * included), text through its bytes or its {@code reader()}: exactly what the server sent, in
     * order, -1 at the end of each, and the next read after them is the try's own end mark.
     */
    @Property(tries = 500)
    void readMessageStreamReturnsEveryMessageExactly(@ForAll("traffic") ServerTraffic traffic,
                                                     @ForAll("readSizes") List<Integer> readSizes,
                                                     @ForAll boolean textThroughReader) throws Exception {
        traffic.features().forEach((feature, present) -> Statistics.label(feature).collect(present));
        session.run((ws, server) -> {
            ServerTraffic.Sending sending = traffic.sendInBackground(server.raw());
            int reads = 0;
            for (int i = 0; i < traffic.messages().size(); i++) {
                ServerMessage sent = traffic.messages().get(i);
                String which = "message #" + i + " (" + sent + ")";
                try (MessageStream stream = ws.readMessageStream()) {
                    assertEquals(sent.text() ? Opcode.TEXT : Opcode.BINARY, stream.type(), which);
                    if (sent.text() && textThroughReader) {
                        Reader reader = stream.reader();
                        StringWriter text = new StringWriter();
                        char[] chars = new char[ServerTraffic.MAX_MESSAGE + 1];
                        for (int n; (n = reader.read(chars, 0, readSizes.get(reads++ % readSizes.size()))) != -1; ) {
                            text.write(chars, 0, n);
                        }
                        assertEquals(sent.textPayload(), text.toString(), which);
                    } else {
                        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                        byte[] buffer = new byte[ServerTraffic.MAX_MESSAGE + 1];
                        while (true) {
                            int size = readSizes.get(reads++ % readSizes.size());
                            int n = size == 1 ? stream.read() : stream.read(buffer, 0, size);
                            if (n == -1) {
                                break;
                            }
                            if (size == 1) {
                                bytes.write(n);
                            } else {
                                bytes.write(buffer, 0, n);
                            }
                        }
                        assertArrayEquals(sent.payload(), bytes.toByteArray(), which);
                    }
                    assertEquals(-1, stream.read(), which + ": a read after the end");
                }
            }
            assertEquals(Message.ofText(sending.endMark()), ws.readMessage(),
                    "the message after the messages sent: the try's own end mark");
            sending.await();
        });
    }

    /** The frame that sends what is buffered: BINARY if it is the first data frame, CONTINUATION after. */
    private static ClientFrame frame(List<ClientFrame> sentBefore, boolean last, ByteArrayOutputStream buffered) {
        boolean first = sentBefore.stream().noneMatch(frame -> frame.opcode() < PING);
        ClientFrame frame = ClientFrame.of(first ? BINARY : CONTINUATION, last, buffered.toByteArray());
        buffered.reset();
        return frame;
    }
}
