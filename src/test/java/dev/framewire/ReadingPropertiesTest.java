package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.PeerSession;
import dev.framewire.testing.RecordingPeer;
import dev.framewire.testing.ServerTraffic.ServerMessage;
import dev.framewire.testing.ServerTraffic;
import dev.framewire.testing.ShowFailedSample;
import dev.framewire.testkit.ServerConnection;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * docs/reading.md, as properties: whatever messages a server sends, cut into fragments wherever
 * (empty and one-byte fragments, text cut inside a character), with Pings and Pongs between any
 * two frames and the bytes cut into TCP writes anywhere, {@code readFrame} and {@code readMessage}
 * return exactly those messages, in order, none twice and none skipped, and no Ping or Pong
 * surfaces (the defaults: Pongs consumed, Pings not delivered). And {@code stats()} counts exactly
 * those messages, parts, bytes and Pongs (docs/observing.md).
 *
 * <p>The server is a {@link RecordingPeer} writing exact bytes. Each try ends with a message of
 * its own, which must be the next thing read after the try's messages.
 */
@AddLifecycleHook(ShowFailedSample.class)
class ReadingPropertiesTest {

    /** The size of the JDK's socket reads ({@code jdk.httpclient.bufsize}). */
    private static final int JDK_READ_BUFFER = 16 * 1024;

    private static PeerSession session;

    @BeforeContainer
    static void start() throws Exception {
        session = PeerSession.recording(PeerSession::defaults);
    }

    @AfterContainer
    static void stop() {
        session.close();
    }

    @Provide
    Arbitrary<ServerTraffic> traffic() {
        return ServerTraffic.upTo(5);
    }

    @Property(tries = 600)
    void readFrameReturnsEveryPartOfEveryMessageInOrder(@ForAll("traffic") ServerTraffic traffic) throws Exception {
        traffic.features().forEach((feature, present) -> Statistics.label(feature).collect(present));
        session.run((ws, server) -> {
            ConnectionStats before = ws.stats();
            ServerTraffic.Sending sending = traffic.sendInBackground(server.raw());
            int partsRead = 0;
            for (ServerMessage message : traffic.messages()) {
                List<Frame> parts = new ArrayList<>();
                Frame part;
                do {
                    part = ws.readFrame();
                    parts.add(part);
                } while (!(part.isFinal() && isData(part)));
                assertParts(message, parts);
                partsRead += parts.size();
            }
            // Even a small frame may come in two parts (see aSmallFrameAcrossTheJdksReadBufferArrivesInTwoParts).
            StringBuilder after = new StringBuilder();
            for (Frame part = ws.readFrame(); ; part = ws.readFrame()) {
                assertEquals(after.length() == 0 ? Opcode.TEXT : Opcode.CONTINUATION, part.opcode(),
                        "a part of the try's own end mark, which comes after the messages sent: " + part);
                after.append(part.text());
                partsRead++;
                if (part.isFinal()) {
                    break;
                }
            }
            assertEquals(sending.endMark(), after.toString(), "the message after the messages sent: the try's own end mark");
            ConnectionStats counted = ws.stats();
            assertCounted(traffic, sending, before, counted);
            assertEquals(partsRead, counted.framesReceived() - before.framesReceived(),
                    "stats().framesReceived: one per part readFrame returned");
            sending.await();
        });
    }

    @Property(tries = 600)
    void readMessageReturnsEveryMessageWholeInOrder(@ForAll("traffic") ServerTraffic traffic) throws Exception {
        traffic.features().forEach((feature, present) -> Statistics.label(feature).collect(present));
        session.run((ws, server) -> {
            ConnectionStats before = ws.stats();
            ServerTraffic.Sending sending = traffic.sendInBackground(server.raw());
            for (int i = 0; i < traffic.messages().size(); i++) {
                ServerMessage sent = traffic.messages().get(i);
                Message message = ws.readMessage();
                if (sent.text()) {
                    assertEquals(Opcode.TEXT, message.type(), "message #" + i);
                    assertEquals(sent.textPayload(), message.text(), "message #" + i);
                } else {
                    assertEquals(Opcode.BINARY, message.type(), "message #" + i);
                    assertArrayEquals(sent.payload(), message.bytes(), "message #" + i);
                }
            }
            assertEquals(Message.ofText(sending.endMark()), ws.readMessage(),
                    "the message after the messages sent: the try's own end mark");
            assertCounted(traffic, sending, before, ws.stats());
            sending.await();
        });
    }

    // ------------------------------------------------------------------------------ shrunk cases

    /**
     * Found by {@link #readFrameReturnsEveryPartOfEveryMessageInOrder} (about once in 1,000 tries,
     * in whichever try's end mark lay across the boundary): a frame of 13 bytes arrived as two
     * parts, against reading.md's "a small frame arrives as one part". The JDK (17 and 25 alike,
     * raw {@code java.net.http} too) reads the connection into 16 KiB buffers counted from the
     * first byte of its 101 response, and hands over what one buffer holds: a frame of any size
     * that lies across the end of a buffer comes in two parts. Here the 101 response (129 bytes)
     * and a binary frame fill the first buffer to 6 bytes before its end, so the text frame's
     * header and "hell" end it and "o world" starts the next.
     */
    @Example
    void aSmallFrameAcrossTheJdksReadBufferArrivesInTwoParts() throws Exception {
        try (RecordingPeer server = RecordingPeer.start();
             FrameSocket ws = PeerSession.defaults().connect(server.uri())) {
            ServerConnection connection = server.accepted().raw();
            int response = 129; // "HTTP/1.1 101 Switching Protocols" and the three headers ServerConnection sends
            int padding = JDK_READ_BUFFER - response - 4 - 6; // a binary frame with a 16-bit length: 4 bytes of header
            connection.sendBinary(new byte[padding]);
            connection.sendText("hello world");
            assertEquals(padding, ws.readMessage().bytes().length);
            assertEquals(Frame.ofText(Opcode.TEXT, "hell", false), ws.readFrame());
            assertEquals(Frame.ofText(Opcode.CONTINUATION, "o world", true), ws.readFrame());
        }
    }

    /**
     * docs/observing.md's counts, over the same traffic: by the time the end mark is read,
     * {@code stats()} counted every message, payload byte (text in UTF-8) and Pong the try sent,
     * and nothing else.
     */
    private static void assertCounted(ServerTraffic traffic, ServerTraffic.Sending sending,
                                      ConnectionStats before, ConnectionStats after) {
        long bytes = sending.endMark().getBytes(StandardCharsets.UTF_8).length;
        long pongs = 0;
        for (ServerMessage message : traffic.messages()) {
            bytes += message.payload().length;
            pongs += message.controls().stream().filter(control -> !control.ping()).count();
        }
        assertEquals(traffic.messages().size() + 1, after.messagesReceived() - before.messagesReceived(),
                "stats().messagesReceived: the messages and the end mark");
        assertEquals(bytes, after.bytesReceived() - before.bytesReceived(), "stats().bytesReceived");
        assertEquals(pongs, after.pongsReceived() - before.pongsReceived(), "stats().pongsReceived");
    }

    private static boolean isData(Frame frame) {
        return frame.opcode() == Opcode.TEXT || frame.opcode() == Opcode.BINARY || frame.opcode() == Opcode.CONTINUATION;
    }

    /**
     * The parts of one message: typed and flagged as one message, no control frame among them,
     * joined they are the payload, and a part never spans two of the server's frames (for text: up
     * to the start of a character cut by the frame's end, whose bytes the JDK moves to the next part).
     */
    private static void assertParts(ServerMessage message, List<Frame> parts) {
        Opcode type = message.text() ? Opcode.TEXT : Opcode.BINARY;
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        TreeSet<Integer> partEnds = new TreeSet<>(List.of(0));
        for (int i = 0; i < parts.size(); i++) {
            Frame part = parts.get(i);
            String which = "part #" + i + " of " + parts.size() + " (" + part + ") of " + message;
            assertEquals(i == 0 ? type : Opcode.CONTINUATION, part.opcode(), which);
            assertEquals(i == parts.size() - 1, part.isFinal(), which + ": isFinal");
            assertEquals(message.text(), part.isText(), which + ": isText");
            joined.writeBytes(part.bytes());
            partEnds.add(joined.size());
        }
        byte[] payload = message.payload();
        assertArrayEquals(payload, joined.toByteArray(), "the parts of " + message + " joined");
        if (message.text()) {
            StringBuilder text = new StringBuilder();
            parts.forEach(part -> text.append(part.text()));
            assertEquals(message.textPayload(), text.toString(), "the text of " + message);
        }
        for (int cut : message.cutOffsets()) {
            int end = cut;
            while (message.text() && end < payload.length && (payload[end] & 0xC0) == 0x80) {
                end--; // back to the start of the character the frame's end cut
            }
            assertTrue(partEnds.contains(end), "a part spans the end of the fragment at byte " + cut
                    + " of " + message + ": the parts end at " + partEnds);
        }
    }
}
