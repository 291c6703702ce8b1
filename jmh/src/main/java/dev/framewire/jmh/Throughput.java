package dev.framewire.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/*
 * Question: how many messages per second does one connection move when the caller does not wait
 * for each echo: send a burst, then read the burst back?
 *
 * One invocation = send MESSAGES text messages of `size` bytes back to back, then read the
 * MESSAGES echoes. @OperationsPerInvocation makes JMH report messages per second directly (the
 * score is ops/s with one op = one message echoed). Same server, same clients as EchoLatency.
 * Senders that block until the frame is written (framewire, java.net.http, the raw socket) pay
 * for each write; the others queue the message for a writer thread of theirs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class Throughput {

    static final int MESSAGES = 100;

    @State(Scope.Thread)
    public abstract static class Connection {
        @Param({"16", "1024", "65536"})
        public int size;

        String message;
        EchoClient client;

        abstract EchoClient.Kind kind();

        @Setup(Level.Trial)
        public void open(EchoServerState server) throws Exception {
            message = Payloads.text(size);
            client = kind().open(server.messageEcho());
        }

        @TearDown(Level.Trial)
        public void close() {
            client.close();
        }

        void burst(Blackhole bh) throws Exception {
            for (int i = 0; i < MESSAGES; i++) {
                client.send(message);
            }
            for (int i = 0; i < MESSAGES; i++) {
                bh.consume(client.receive());
            }
        }
    }

    public static class Framewire extends Connection {
        @Override
        EchoClient.Kind kind() {
            return EchoClient.Kind.FRAMEWIRE_READ_MESSAGE;
        }
    }

    public static class RawJdkQueue extends Connection {
        @Override
        EchoClient.Kind kind() {
            return EchoClient.Kind.RAW_JDK_QUEUE;
        }
    }

    public static class RawJdkDirect extends Connection {
        @Override
        EchoClient.Kind kind() {
            return EchoClient.Kind.RAW_JDK_DIRECT;
        }
    }

    public static class NvWebSocket extends Connection {
        @Override
        EchoClient.Kind kind() {
            return EchoClient.Kind.NV_WEBSOCKET;
        }
    }

    public static class JavaWebSocket extends Connection {
        @Override
        EchoClient.Kind kind() {
            return EchoClient.Kind.JAVA_WEBSOCKET;
        }
    }

    public static class OkHttp extends Connection {
        @Override
        EchoClient.Kind kind() {
            return EchoClient.Kind.OKHTTP;
        }
    }

    public static class Jetty extends Connection {
        @Override
        EchoClient.Kind kind() {
            return EchoClient.Kind.JETTY;
        }
    }

    public static class RawSocket extends Connection {
        @Override
        EchoClient.Kind kind() {
            return EchoClient.Kind.RAW_SOCKET;
        }
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void framewire(Framewire c, Blackhole bh) throws Exception {
        c.burst(bh);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void rawJdkQueue(RawJdkQueue c, Blackhole bh) throws Exception {
        c.burst(bh);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void rawJdkDirect(RawJdkDirect c, Blackhole bh) throws Exception {
        c.burst(bh);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void nvWebSocket(NvWebSocket c, Blackhole bh) throws Exception {
        c.burst(bh);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void javaWebSocket(JavaWebSocket c, Blackhole bh) throws Exception {
        c.burst(bh);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void okHttp(OkHttp c, Blackhole bh) throws Exception {
        c.burst(bh);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void jetty(Jetty c, Blackhole bh) throws Exception {
        c.burst(bh);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void rawSocket(RawSocket c, Blackhole bh) throws Exception {
        c.burst(bh);
    }
}
