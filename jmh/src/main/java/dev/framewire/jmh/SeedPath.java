package dev.framewire.jmh;

import dev.framewire.Frame;
import dev.framewire.FrameSocket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/*
 * Question: what does the path of the Chilkat sample framewire grew from cost, end to end?
 *
 * One operation = send a text message as three frames with a Ping between the first two, then
 * read frame by frame until the final one. The server (frame-by-frame echo, in its own JVM) sends
 * each frame back as it arrives, with the same FIN flag, and answers the Ping with a Pong that the
 * client must not hand to the reader. So one operation is four writes, three echoed frames and
 * one Pong to filter.
 *
 * framewire does it in the sample's lines (sendFrame, sendPing, readFrame); rawJdk does the same
 * with java.net.http by hand (a listener that puts every part in a queue and drops the Pong, and a
 * get() after every send), on the default executor and on a direct one.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SeedPath {

    static final String FIRST = "This is the 1st frame\r\n";
    static final String PING = "This is a ping";
    static final String SECOND = "This is the 2nd frame\r\n";
    static final String THIRD = "This is the 3rd and final frame\r\n";

    @State(Scope.Thread)
    public static class Framewire {
        FrameSocket socket;

        @Setup(Level.Trial)
        public void open(EchoServerState server) throws Exception {
            socket = FrameSocket.connect(server.frameEcho());
        }

        @TearDown(Level.Trial)
        public void close() {
            socket.close();
        }
    }

    /** One received part, as the hand-written listener keeps it. */
    record Part(String text, boolean last) {
    }

    /** java.net.http by hand: every part into a queue, Pongs dropped. */
    public abstract static class RawJdk implements WebSocket.Listener {
        final BlockingQueue<Part> parts = new LinkedBlockingQueue<>();
        final ByteBuffer ping = ByteBuffer.wrap(PING.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
        WebSocket webSocket;

        abstract HttpClient client();

        @Setup(Level.Trial)
        public void open(EchoServerState server) throws Exception {
            URI uri = server.frameEcho();
            webSocket = client().newWebSocketBuilder().buildAsync(uri, this).get(10, TimeUnit.SECONDS);
        }

        @TearDown(Level.Trial)
        public void close() {
            webSocket.abort();
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.add(new Part(data.toString(), last));
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            webSocket.request(1);
            return null;
        }
    }

    @State(Scope.Thread)
    public static class RawJdkQueue extends RawJdk {
        @Override
        HttpClient client() {
            return HttpClient.newHttpClient();
        }
    }

    @State(Scope.Thread)
    public static class RawJdkDirect extends RawJdk {
        @Override
        HttpClient client() {
            return HttpClient.newBuilder().executor(Runnable::run).build();
        }
    }

    @Benchmark
    public void framewire(Framewire s, Blackhole bh) throws Exception {
        FrameSocket ws = s.socket;
        ws.sendFrame(FIRST, false);
        ws.sendPing(PING);
        ws.sendFrame(SECOND, false);
        ws.sendFrame(THIRD, true);
        Frame frame;
        do {
            frame = ws.readFrame();
            bh.consume(frame);
        } while (!frame.isFinal());
    }

    @Benchmark
    public void rawJdkQueue(RawJdkQueue s, Blackhole bh) throws Exception {
        rawJdk(s, bh);
    }

    @Benchmark
    public void rawJdkDirect(RawJdkDirect s, Blackhole bh) throws Exception {
        rawJdk(s, bh);
    }

    private static void rawJdk(RawJdk s, Blackhole bh) throws Exception {
        WebSocket ws = s.webSocket;
        ws.sendText(FIRST, false).get();
        ws.sendPing(s.ping.duplicate()).get();
        ws.sendText(SECOND, false).get();
        ws.sendText(THIRD, true).get();
        Part part;
        do {
            part = s.parts.take();
            bh.consume(part);
        } while (!part.last());
    }
}
