package dev.framewire;

import static dev.framewire.testkit.WireFrame.BINARY;
import static dev.framewire.testkit.WireFrame.CONTINUATION;
import static dev.framewire.testkit.WireFrame.PING;
import static dev.framewire.testkit.WireFrame.PONG;
import static dev.framewire.testkit.WireFrame.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.framewire.testing.BufferShape;
import dev.framewire.testing.CharsShape;
import dev.framewire.testing.GeneratedPayloads.Alphabet;
import dev.framewire.testing.GeneratedPayloads;
import dev.framewire.testing.JettyEchoServer;
import dev.framewire.testing.PeerSession;
import dev.framewire.testing.RecordingPeer;
import dev.framewire.testing.ShowFailedSample;
import dev.framewire.testing.WireAssertions;
import dev.framewire.testkit.ClientFrame;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * docs/sending.md, as properties: whatever a user passes to a send, of whatever kind and size, cut
 * into frames wherever, the peer receives exactly that, and the caller's buffer is left as the
 * page says (position at the limit, everything else as it was; a {@code CharSequence} untouched).
 * Changing the buffer right after the send returned changes nothing the peer receives. And
 * {@code stats()} counts exactly the frames, bytes and Pings sent (docs/observing.md).
 *
 * <p>The peer is a {@link RecordingPeer}, which records the client's frames byte for byte, and, for
 * one property, Jetty's echo server. One connection serves all tries of a property; a failed try
 * gets a new one.
 */
@AddLifecycleHook(ShowFailedSample.class)
class SendingPropertiesTest {

    private static JettyEchoServer jetty;
    private static PeerSession recorded;
    private static PeerSession echoed;

    @BeforeContainer
    static void start() throws Exception {
        jetty = JettyEchoServer.start();
        recorded = PeerSession.recording(PeerSession::defaults);
        echoed = PeerSession.on(jetty.uri(), PeerSession::defaults);
    }

    @AfterContainer
    static void stop() {
        recorded.close();
        echoed.close();
        jetty.close();
    }

    // ------------------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Integer> sizes() {
        return GeneratedPayloads.sizes(GeneratedPayloads.MAX_SIZE);
    }

    @Provide
    Arbitrary<Long> seeds() {
        return GeneratedPayloads.seeds();
    }

    @Provide
    Arbitrary<BufferShape> anyBytes() {
        return BufferShape.any();
    }

    @Provide
    Arbitrary<List<BufferShape>> fragmentShapes() {
        return BufferShape.any().list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<CharsShape> anyChars() {
        return CharsShape.any();
    }

    @Provide
    Arbitrary<List<CharsShape>> fragmentChars() {
        return CharsShape.any().list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<Alphabet> mostlySurrogatePairs() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(Alphabet.SUPPLEMENTARY, Alphabet.MIXED)),
                Tuple.of(1, Arbitraries.of(Alphabet.values())));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().greaterOrEqual(0).list().ofMaxSize(7);
    }

    @Provide
    Arbitrary<List<Control>> controls() {
        return Control.any().list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<Control>> someControls() {
        return Control.any().list().ofMinSize(1).ofMaxSize(4);
    }

    /**
     * A Ping or Pong the client sends: its payload (at most 125 bytes) as a buffer of any shape, or
     * for a Ping also as any kind of {@code CharSequence}; {@code gap} places it among a message's
     * fragments (before fragment {@code gap} modulo their number + 1).
     */
    record Control(boolean pong, int size, long seed, boolean asText, BufferShape shape, CharsShape chars, int gap) {

        static Arbitrary<Control> any() {
            return Combinators.combine(Arbitraries.of(false, true), Arbitraries.integers().between(0, 125),
                    GeneratedPayloads.seeds(), Arbitraries.of(false, true), BufferShape.buffers(), CharsShape.any(),
                    Arbitraries.integers().between(0, 1000)).as(Control::new);
        }

        boolean text() {
            return asText && !pong; // there is no sendPong(CharSequence)
        }

        /** Whether it goes before fragment {@code i} of {@code fragments} ({@code fragments} for after the last). */
        boolean goesBefore(int i, int fragments) {
            return gap % (fragments + 1) == i;
        }

        /** Whether it goes between two of {@code fragments}. */
        boolean goesBetween(int fragments) {
            int before = gap % (fragments + 1);
            return before > 0 && before < fragments;
        }

        byte[] payload() {
            return text() ? GeneratedPayloads.utf8(GeneratedPayloads.text(size, Alphabet.MIXED, seed))
                    : GeneratedPayloads.bytes(size, seed);
        }

        /** Sends it, checks what it left in the caller's buffer or sequence, and changes that; returns the frame expected. */
        ClientFrame send(FrameSocket ws) throws IOException {
            byte[] payload = payload();
            if (text()) {
                CharsShape.Made made = chars.make(GeneratedPayloads.text(size, Alphabet.MIXED, seed));
                String before = made.state();
                ws.sendPing(made.chars());
                assertEquals(before, made.state(), "what sendPing left in the caller's " + chars);
                made.scribbleIfMutable();
            } else {
                BufferShape.Made made = shape.make(payload);
                BufferShape.State before = made.state();
                if (pong) {
                    ws.sendPong(made.buffer());
                } else {
                    ws.sendPing(made.buffer());
                }
                assertEquals(before.sent(), made.state(), "what " + (pong ? "sendPong" : "sendPing")
                        + " left in the caller's " + shape);
                made.scribble();
            }
            return ClientFrame.of(pong ? PONG : PING, true, payload);
        }

        @Override
        public String toString() {
            return (pong ? "Pong" : "Ping") + " of " + size + " bytes, seed " + seed + ", from "
                    + (text() ? chars : shape) + ", before fragment #" + gap;
        }
    }

    // ------------------------------------------------------------------------------ binary

    @Property(tries = 1000)
    void aBinaryMessageArrivesExactlyFromAnyBuffer(@ForAll("sizes") int size, @ForAll("seeds") long seed,
                                                   @ForAll("anyBytes") BufferShape shape,
                                                   @ForAll boolean viaSendFrame) throws Exception {
        byte[] payload = GeneratedPayloads.bytes(size, seed);
        recorded.run((ws, server) -> {
            sendBinary(ws, shape.make(payload), true, !viaSendFrame);
            WireAssertions.assertFrames(List.of(ClientFrame.of(BINARY, true, payload)), List.of(server.next()));
            recorded.endTry(ws, server);
        });
    }

    @Property(tries = 1000)
    void aBinaryMessageCutIntoFramesArrivesFrameForFrame(@ForAll("sizes") int size, @ForAll("seeds") long seed,
                                                         @ForAll("cuts") List<Integer> cuts,
                                                         @ForAll("fragmentShapes") List<BufferShape> shapes,
                                                         @ForAll("controls") List<Control> controls) throws Exception {
        byte[] payload = GeneratedPayloads.bytes(size, seed);
        List<byte[]> fragments = cut(payload, cuts);
        recorded.run((ws, server) -> {
            ConnectionStats before = ws.stats();
            List<ClientFrame> expected = new ArrayList<>();
            for (int i = 0; i <= fragments.size(); i++) {
                sendControls(ws, controls, i, fragments.size(), expected);
                if (i < fragments.size()) {
                    boolean last = i == fragments.size() - 1;
                    sendBinary(ws, shapes.get(i % shapes.size()).make(fragments.get(i)), last, false);
                    expected.add(ClientFrame.of(i == 0 ? BINARY : CONTINUATION, last, fragments.get(i)));
                }
            }
            assertCounted(before, ws.stats(), fragments.size(), payload.length, controls);
            WireAssertions.assertFrames(expected, server.next(expected.size()));
            recorded.endTry(ws, server);
        });
    }

    @Property(tries = 500)
    void pingAndPongPayloadsArriveExactlyFromAnyBuffer(@ForAll("someControls") List<Control> controls)
            throws Exception {
        recorded.run((ws, server) -> {
            List<ClientFrame> expected = new ArrayList<>();
            for (Control control : controls) {
                expected.add(control.send(ws));
            }
            WireAssertions.assertFrames(expected, server.next(expected.size()));
            recorded.endTry(ws, server);
        });
    }

    // ------------------------------------------------------------------------------ text

    @Property(tries = 1000)
    void aTextMessageArrivesExactlyFromAnyCharSequence(@ForAll("sizes") int utf8Size, @ForAll Alphabet alphabet,
                                                       @ForAll("seeds") long seed, @ForAll("anyChars") CharsShape shape,
                                                       @ForAll boolean viaSendFrame) throws Exception {
        String text = GeneratedPayloads.text(utf8Size, alphabet, seed);
        recorded.run((ws, server) -> {
            sendText(ws, shape.make(text), true, !viaSendFrame);
            WireAssertions.assertSameMessage(List.of(ClientFrame.of(TEXT, true, GeneratedPayloads.utf8(text))),
                    server.nextMessage());
            recorded.endTry(ws, server);
        });
    }

    /**
     * Text cut at any char, between the two halves of a surrogate pair too (an odd cut moves
     * there): framewire holds a high surrogate that ends a frame back for the next frame, so
     * the bytes between two control frames are the same, and every frame holds whole characters.
     */
    @Property(tries = 1000)
    void aTextMessageCutAnywhereArrivesAsItsCharacters(@ForAll("sizes") int utf8Size,
                                                       @ForAll("mostlySurrogatePairs") Alphabet alphabet,
                                                       @ForAll("seeds") long seed, @ForAll("cuts") List<Integer> cuts,
                                                       @ForAll("fragmentChars") List<CharsShape> shapes,
                                                       @ForAll("controls") List<Control> controls) throws Exception {
        String text = GeneratedPayloads.text(utf8Size, alphabet, seed);
        List<String> fragments = cut(text, cuts);
        Statistics.label("a frame that ends between the halves of a surrogate pair")
                .collect(fragments.subList(0, fragments.size() - 1).stream().anyMatch(SendingPropertiesTest::endsWithHighSurrogate));
        Statistics.label("a control frame between two fragments")
                .collect(controls.stream().anyMatch(control -> control.goesBetween(fragments.size())));
        recorded.run((ws, server) -> {
            ConnectionStats before = ws.stats();
            List<ClientFrame> expected = new ArrayList<>();
            String held = "";
            for (int i = 0; i <= fragments.size(); i++) {
                sendControls(ws, controls, i, fragments.size(), expected);
                if (i < fragments.size()) {
                    boolean last = i == fragments.size() - 1;
                    String fragment = fragments.get(i);
                    sendText(ws, shapes.get(i % shapes.size()).make(fragment), last, false);
                    // What goes out: a high surrogate held back from the frame before, and none held back now.
                    String goesOut = held + fragment;
                    held = !last && endsWithHighSurrogate(goesOut) ? goesOut.substring(goesOut.length() - 1) : "";
                    goesOut = goesOut.substring(0, goesOut.length() - held.length());
                    expected.add(ClientFrame.of(i == 0 ? TEXT : CONTINUATION, last, GeneratedPayloads.utf8(goesOut)));
                }
            }
            assertCounted(before, ws.stats(), fragments.size(), GeneratedPayloads.utf8(text).length, controls);
            List<ClientFrame> actual = new ArrayList<>(server.nextMessage());
            int lastData = 0;
            for (int i = 0; i < expected.size(); i++) {
                lastData = expected.get(i).opcode() < PING ? i : lastData;
            }
            actual.addAll(server.next(expected.size() - 1 - lastData)); // the controls after the message
            WireAssertions.assertSameMessage(expected, actual);
            assertArrayEquals(GeneratedPayloads.utf8(text), WireAssertions.joined(actual.stream()
                    .filter(frame -> frame.opcode() < PING).toList()), "the message's text");
            recorded.endTry(ws, server);
        });
    }

    // ------------------------------------------------------------------------------ a real server

    /**
     * The same inputs through Jetty, an implementation framewire shares no code with, and back:
     * {@code readMessage} returns exactly the message sent, binary or text.
     */
    @Property(tries = 500)
    void jettyEchoesExactlyWhatWasSent(@ForAll boolean binary, @ForAll("sizes") int size, @ForAll("seeds") long seed,
                                       @ForAll Alphabet alphabet, @ForAll("anyBytes") BufferShape shape,
                                       @ForAll("anyChars") CharsShape chars) throws Exception {
        echoed.run((ws, none) -> {
            if (binary) {
                byte[] payload = GeneratedPayloads.bytes(size, seed);
                sendBinary(ws, shape.make(payload), true, true);
                Message echo = ws.readMessage();
                assertEquals(Opcode.BINARY, echo.type());
                String difference = GeneratedPayloads.difference(payload, echo.bytes());
                if (difference != null) {
                    throw new AssertionError("the echo of a binary message from a " + shape + ": " + difference);
                }
            } else {
                String text = GeneratedPayloads.text(size, alphabet, seed);
                sendText(ws, chars.make(text), true, true);
                Message echo = ws.readMessage();
                assertEquals(Opcode.TEXT, echo.type());
                assertEquals(text, echo.text(), "the echo of a text message from a " + chars);
            }
        });
    }

    // ------------------------------------------------------------------------------ shrunk cases

    /**
     * The shrunk case of every binary property here on JDK 17.0.15 before framewire handed the JDK
     * a big-endian view (JDK-8351339, issue 18): bytes 1..8 from a little-endian heap buffer
     * arrived as 8..1. Fails on JDK 17 until that guard is in.
     */
    @Example
    void eightBytesFromALittleEndianBufferArriveInTheirOrder() throws Exception {
        byte[] payload = GeneratedPayloads.bytes(8, 0);
        recorded.run((ws, server) -> {
            sendBinary(ws, new BufferShape(BufferShape.Kind.HEAP, false, ByteOrder.LITTLE_ENDIAN, 0, 0, 0, false)
                    .make(payload), true, false);
            WireAssertions.assertFrames(List.of(ClientFrame.of(BINARY, true, payload)), List.of(server.next()));
            recorded.endTry(ws, server);
        });
    }

    /** The same for a Ping's payload, the shrunk case of the control-frame properties. */
    @Example
    void aPingOfEightBytesFromALittleEndianBufferArrivesInItsOrder() throws Exception {
        Control ping = new Control(false, 8, 0, false,
                new BufferShape(BufferShape.Kind.HEAP, false, ByteOrder.LITTLE_ENDIAN, 0, 0, 0, false),
                new CharsShape(CharsShape.Kind.STRING, 0, 0), 0);
        recorded.run((ws, server) -> {
            WireAssertions.assertFrames(List.of(ping.send(ws)), List.of(server.next()));
            recorded.endTry(ws, server);
        });
    }

    // ------------------------------------------------------------------------------ helpers

    /**
     * Sends one binary frame (or, if {@code whole}, a whole message with {@code sendBinary}) from
     * {@code made}, checks what the send left in the caller's buffer, and then changes every byte
     * of it, as a caller reusing it would: the peer must still receive what was sent.
     */
    private static void sendBinary(FrameSocket ws, BufferShape.Made made, boolean fin, boolean whole)
            throws IOException {
        BufferShape.State before = made.state();
        if (made.array() != null) {
            ws.sendFrame(made.array(), fin);
            assertEquals(before, made.state(), "what the send left in the caller's array");
        } else {
            if (whole) {
                ws.sendBinary(made.buffer());
            } else {
                ws.sendFrame(made.buffer(), fin);
            }
            assertEquals(before.sent(), made.state(), "what the send left in the caller's " + made.shape());
        }
        made.scribble();
    }

    /** As {@link #sendBinary}, for text: the sequence is left as it was, then changed if it can be. */
    private static void sendText(FrameSocket ws, CharsShape.Made made, boolean fin, boolean whole) throws IOException {
        String before = made.state();
        if (whole) {
            ws.sendText(made.chars());
        } else {
            ws.sendFrame(made.chars(), fin);
        }
        assertEquals(before, made.state(), "what the send left in the caller's CharSequence");
        made.scribbleIfMutable();
    }

    /**
     * docs/observing.md's counts, over the same sends: one message of {@code frames} frames and
     * {@code bytes} payload bytes (text in UTF-8, a surrogate pair held back over a cut counted
     * once), and the Pings among {@code controls}, counted by the time the sends returned.
     */
    private static void assertCounted(ConnectionStats before, ConnectionStats after, int frames, long bytes,
                                      List<Control> controls) {
        assertEquals(1, after.messagesSent() - before.messagesSent(), "stats().messagesSent");
        assertEquals(frames, after.framesSent() - before.framesSent(), "stats().framesSent: one per sendFrame");
        assertEquals(bytes, after.bytesSent() - before.bytesSent(), "stats().bytesSent");
        assertEquals(controls.stream().filter(control -> !control.pong()).count(),
                after.pingsSent() - before.pingsSent(), "stats().pingsSent");
    }

    /** Sends the controls that go before fragment {@code i} of {@code fragments}, adding the frames expected. */
    private static void sendControls(FrameSocket ws, List<Control> controls, int i, int fragments,
                                     List<ClientFrame> expected) throws IOException {
        for (Control control : controls) {
            if (control.goesBefore(i, fragments)) {
                expected.add(control.send(ws));
            }
        }
    }

    /** {@code payload} cut at each of {@code cuts} modulo its length + 1: empty fragments included. */
    private static List<byte[]> cut(byte[] payload, List<Integer> cuts) {
        List<byte[]> fragments = new ArrayList<>();
        int from = 0;
        for (int at : offsets(cuts, payload.length)) {
            fragments.add(Arrays.copyOfRange(payload, from, at));
            from = at;
        }
        fragments.add(Arrays.copyOfRange(payload, from, payload.length));
        return fragments;
    }

    /**
     * {@code text} cut at each of {@code cuts} modulo its length + 1; an odd cut moves on to the
     * next place between the two halves of a surrogate pair, if there is one. An empty fragment
     * right behind one that ends in a high surrogate is left out: the frame after such a one must
     * start with the low surrogate (docs/sending.md).
     */
    private static List<String> cut(String text, List<Integer> cuts) {
        List<Integer> at = new ArrayList<>();
        for (int raw : cuts) {
            int offset = raw % (text.length() + 1);
            int cut = offset;
            boolean nudge = raw % 2 == 1;
            while (nudge && cut < text.length() && !(cut > 0 && Character.isHighSurrogate(text.charAt(cut - 1)))) {
                cut++;
            }
            at.add(nudge && cut == text.length() ? offset : cut);
        }
        at.sort(null);
        at.add(text.length());
        List<String> fragments = new ArrayList<>();
        int from = 0;
        for (int cut : at) {
            String fragment = text.substring(from, cut);
            if (!(fragment.isEmpty() && !fragments.isEmpty() && endsWithHighSurrogate(fragments.get(fragments.size() - 1)))) {
                fragments.add(fragment);
            }
            from = cut;
        }
        return fragments;
    }

    private static List<Integer> offsets(List<Integer> cuts, int length) {
        return cuts.stream().map(cut -> cut % (length + 1)).sorted().toList();
    }

    private static boolean endsWithHighSurrogate(String text) {
        return !text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1));
    }
}
