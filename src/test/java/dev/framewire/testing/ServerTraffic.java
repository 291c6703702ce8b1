package dev.framewire.testing;

import dev.framewire.testing.GeneratedPayloads.Alphabet;
import dev.framewire.testkit.ServerConnection;
import dev.framewire.testkit.WireFrame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * What a server sends in a receive-side property: data messages, each cut into fragments at any
 * byte (empty ones and one-byte ones included, text cut inside a character), Pings and Pongs
 * between any two frames, and the whole byte stream cut into TCP writes at any byte.
 *
 * @param messages the data messages, in order
 * @param tcpCuts  where the byte stream is cut into writes: each value modulo the stream's length
 * @param pause    whether to pause a millisecond after each write, so that the client's reads
 *                 see the pieces apart rather than together
 */
public record ServerTraffic(List<ServerMessage> messages, List<Integer> tcpCuts, boolean pause) {

    /** The longest payload of one message: past two of the JDK's 16 KiB read buffers. */
    public static final int MAX_MESSAGE = 40_000;

    private static final AtomicLong END_MARKS = new AtomicLong();

    /** Traffic of 1 to {@code maxMessages} messages. */
    public static Arbitrary<ServerTraffic> upTo(int maxMessages) {
        return Combinators.combine(ServerMessage.any().list().ofMinSize(1).ofMaxSize(maxMessages),
                        Arbitraries.integers().greaterOrEqual(0).list().ofMaxSize(8),
                        Arbitraries.of(false, true))
                .as(ServerTraffic::new);
    }

    /** {@return every frame of the traffic, encoded as a server sends them, in order} */
    public byte[] wire() {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (ServerMessage message : messages) {
            wire.writeBytes(message.wire());
        }
        return wire.toByteArray();
    }

    /** {@return the writes to send: {@link #wire()} cut at {@link #tcpCuts}} */
    public List<byte[]> writes() {
        byte[] wire = wire();
        TreeSet<Integer> cuts = new TreeSet<>();
        for (int cut : tcpCuts) {
            cuts.add(1 + cut % Math.max(1, wire.length - 1));
        }
        cuts.removeIf(cut -> cut >= wire.length);
        List<byte[]> writes = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            writes.add(Arrays.copyOfRange(wire, from, cut));
            from = cut;
        }
        writes.add(Arrays.copyOfRange(wire, from, wire.length));
        return writes;
    }

    /**
     * Sends the traffic on {@code connection}, write by write, and then a text message of its own
     * (the end mark), from a thread of its own: the client reads meanwhile, as it must once the
     * traffic outgrows the socket buffers and the receive queue.
     */
    public Sending sendInBackground(ServerConnection connection) {
        String endMark = "end mark #" + END_MARKS.incrementAndGet();
        List<byte[]> writes = writes();
        CompletableFuture<Void> done = TestThreads.supply(() -> {
            try {
                for (byte[] write : writes) {
                    connection.sendRaw(write);
                    if (pause) {
                        Thread.sleep(1);
                    }
                }
                connection.sendText(endMark);
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending", e);
            }
        });
        return new Sending(endMark, done);
    }

    /**
     * Traffic on its way.
     *
     * @param endMark the text of the message sent after the traffic
     */
    public record Sending(String endMark, CompletableFuture<Void> done) {

        /** Waits until everything was written; throws what the writing thread threw. */
        public void await() throws Exception {
            done.get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * {@return which of the cases this traffic is there for it holds}, for jqwik's statistics: a
     * property's report then shows how often its tries met each.
     */
    public Map<String, Boolean> features() {
        Map<String, Boolean> features = new LinkedHashMap<>();
        features.put("a text fragment that ends inside a character", messages.stream().anyMatch(message -> {
            byte[] payload = message.payload();
            return message.text() && message.cutOffsets().stream()
                    .anyMatch(cut -> cut < payload.length && (payload[cut] & 0xC0) == 0x80);
        }));
        features.put("an empty fragment", messages.stream().anyMatch(message -> message.fragmentSizes().contains(0)));
        features.put("a one-byte fragment", messages.stream().anyMatch(message -> message.fragmentSizes().contains(1)));
        features.put("a Ping or Pong between two fragments", messages.stream().anyMatch(message ->
                message.controls().stream().anyMatch(control -> {
                    int gap = control.gap() % (message.cutOffsets().size() + 2);
                    return gap > 0 && gap <= message.cutOffsets().size();
                })));
        features.put("several TCP writes", writes().size() > 1);
        return features;
    }

    @Override
    public String toString() {
        return messages + ", TCP cuts " + tcpCuts + (pause ? ", pausing" : "");
    }

    /**
     * One data message as the server sends it.
     *
     * @param text     a text message (else binary)
     * @param size     the payload's length in bytes (UTF-8 for text)
     * @param alphabet the characters of a text message
     * @param seed     makes the payload, see {@link GeneratedPayloads}
     * @param cuts     where the payload is cut into fragments: each value modulo the length + 1
     * @param controls Pings and Pongs sent before the fragment they name
     */
    public record ServerMessage(boolean text, int size, Alphabet alphabet, long seed, List<Integer> cuts,
                                List<Control> controls) {

        static Arbitrary<ServerMessage> any() {
            return Combinators.combine(Arbitraries.of(true, false), GeneratedPayloads.sizes(MAX_MESSAGE),
                            Arbitraries.of(Alphabet.values()), GeneratedPayloads.seeds(),
                            Arbitraries.integers().greaterOrEqual(0).list().ofMaxSize(6),
                            Control.any().list().ofMaxSize(3))
                    .as(ServerMessage::new);
        }

        /** {@return the message's text, for a text message} */
        public String textPayload() {
            return GeneratedPayloads.text(size, alphabet, seed);
        }

        /** {@return the message's payload: the bytes of a binary message, the UTF-8 of a text one} */
        public byte[] payload() {
            return text ? GeneratedPayloads.utf8(textPayload()) : GeneratedPayloads.bytes(size, seed);
        }

        /** {@return the byte offsets in the payload where one fragment ends and the next begins, in order} */
        public List<Integer> cutOffsets() {
            List<Integer> offsets = new ArrayList<>();
            for (int cut : cuts) {
                offsets.add(cut % (size + 1));
            }
            offsets.sort(null);
            return offsets;
        }

        /** {@return the message's frames, with its Pings and Pongs among them, encoded} */
        public byte[] wire() {
            byte[] payload = payload();
            List<Integer> offsets = cutOffsets();
            int fragments = offsets.size() + 1;
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            int from = 0;
            for (int i = 0; i <= fragments; i++) {
                for (Control control : controls) {
                    if (control.gap() % (fragments + 1) == i) {
                        wire.writeBytes(control.wire());
                    }
                }
                if (i == fragments) {
                    break;
                }
                int to = i < offsets.size() ? offsets.get(i) : payload.length;
                int opcode = i > 0 ? WireFrame.CONTINUATION : text ? WireFrame.TEXT : WireFrame.BINARY;
                wire.writeBytes(WireFrame.of(opcode, Arrays.copyOfRange(payload, from, to)).fin(i == fragments - 1).encode());
                from = to;
            }
            return wire.toByteArray();
        }

        /** {@return the length of each fragment, in order} */
        public List<Integer> fragmentSizes() {
            List<Integer> sizes = new ArrayList<>();
            int from = 0;
            for (int cut : cutOffsets()) {
                sizes.add(cut - from);
                from = cut;
            }
            sizes.add(size - from);
            return sizes;
        }

        @Override
        public String toString() {
            int fragments = cuts.size() + 1;
            return (text ? "text " + alphabet : "binary") + " of " + size + " bytes, seed " + seed
                    + ", cut at " + cutOffsets() + controls.stream().map(control -> ", " + control.describe(fragments))
                    .collect(Collectors.joining());
        }
    }

    /**
     * A Ping or a Pong from the server, before the fragment {@code gap} names (modulo the number
     * of fragments + 1; the last value puts it after the message's final frame).
     */
    public record Control(boolean ping, int gap, int size, long seed) {

        static Arbitrary<Control> any() {
            return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 1000),
                    Arbitraries.integers().between(0, 125), GeneratedPayloads.seeds()).as(Control::new);
        }

        byte[] wire() {
            return WireFrame.of(ping ? WireFrame.PING : WireFrame.PONG, GeneratedPayloads.bytes(size, seed)).encode();
        }

        String describe(int fragments) {
            int before = gap % (fragments + 1);
            return (ping ? "Ping" : "Pong") + " of " + size + " bytes, seed " + seed
                    + (before == fragments ? " after the last fragment" : " before fragment #" + before);
        }
    }
}
