package dev.framewire.jmh;

import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.MessageStream;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

/*
 * Question: how fast does one 16 MiB binary message go out and come back, written and read as
 * streams (sendStream / readMessageStream), against the same message as one sendBinary and one
 * readMessage, and against a hand-written sendFrame / readFrame loop of 64 KiB frames?
 *
 * One operation = 16 MiB out and the same 16 MiB back, through the Jetty server's frame echo,
 * which echoes each frame as it arrives. A second thread reads while the first writes: with a
 * frame echo, a client that wrote everything before reading would fill both directions and
 * stall. Throughput in MiB/s each way is 16 / (seconds per op). Jetty's own client has no stream
 * API on its native WebSocket session (only annotated endpoints take an InputStream), so it is
 * not in this comparison.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class Streaming {

    static final int MESSAGE_BYTES = 16 << 20;
    static final int CHUNK_BYTES = 64 << 10;

    /** One framewire connection to the frame echo, a payload, and a thread that reads. */
    @State(Scope.Thread)
    public static class Connection {
        FrameSocket ws;
        byte[] payload;
        ExecutorService reader;

        @Setup(Level.Trial)
        public void open(EchoServerState server) throws Exception {
            payload = new byte[MESSAGE_BYTES];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) i;
            }
            ws = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(30)).maxMessageSize(MESSAGE_BYTES)
                    .connect(server.frameEcho());
            reader = Executors.newSingleThreadExecutor();
        }

        @TearDown(Level.Trial)
        public void close() {
            reader.shutdownNow();
            ws.close();
        }

        static long check(long received) {
            if (received != MESSAGE_BYTES) {
                throw new IllegalStateException("echoed " + received + " bytes of " + MESSAGE_BYTES);
            }
            return received;
        }
    }

    @Benchmark
    public long streams(Connection c) throws Exception {
        Future<Long> echoed = c.reader.submit(() -> {
            long received = 0;
            byte[] buffer = new byte[CHUNK_BYTES];
            try (MessageStream in = c.ws.readMessageStream()) {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    received += n;
                }
            }
            return received;
        });
        try (OutputStream out = c.ws.sendStream()) {
            for (int at = 0; at < MESSAGE_BYTES; at += CHUNK_BYTES) {
                out.write(c.payload, at, CHUNK_BYTES);
            }
        }
        return Connection.check(echoed.get());
    }

    @Benchmark
    public long wholeMessage(Connection c) throws Exception {
        Future<Long> echoed = c.reader.submit(() -> (long) c.ws.readMessage().payload().remaining());
        c.ws.sendBinary(ByteBuffer.wrap(c.payload));
        return Connection.check(echoed.get());
    }

    @Benchmark
    public long frameLoop(Connection c) throws Exception {
        Future<Long> echoed = c.reader.submit(() -> {
            long received = 0;
            Frame frame;
            do {
                frame = c.ws.readFrame();
                received += frame.payload().remaining();
            } while (!frame.isFinal());
            return received;
        });
        for (int at = 0; at < MESSAGE_BYTES; at += CHUNK_BYTES) {
            c.ws.sendFrame(ByteBuffer.wrap(c.payload, at, CHUNK_BYTES), at + CHUNK_BYTES == MESSAGE_BYTES);
        }
        return Connection.check(echoed.get());
    }
}
