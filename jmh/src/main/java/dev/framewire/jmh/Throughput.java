package dev.framewire.jmh;

import dev.framewire.jmh.Connections.FramewireReadMessage;
import dev.framewire.jmh.Connections.JavaWebSocket;
import dev.framewire.jmh.Connections.Jetty;
import dev.framewire.jmh.Connections.NvWebSocket;
import dev.framewire.jmh.Connections.OkHttp;
import dev.framewire.jmh.Connections.RawJdkDirect;
import dev.framewire.jmh.Connections.RawJdkQueue;
import dev.framewire.jmh.Connections.RawSocket;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
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

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void framewire(FramewireReadMessage c, Blackhole bh) throws Exception {
        c.burst(MESSAGES, bh);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void rawJdkQueue(RawJdkQueue c, Blackhole bh) throws Exception {
        c.burst(MESSAGES, bh);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void rawJdkDirect(RawJdkDirect c, Blackhole bh) throws Exception {
        c.burst(MESSAGES, bh);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void nvWebSocket(NvWebSocket c, Blackhole bh) throws Exception {
        c.burst(MESSAGES, bh);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void javaWebSocket(JavaWebSocket c, Blackhole bh) throws Exception {
        c.burst(MESSAGES, bh);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void okHttp(OkHttp c, Blackhole bh) throws Exception {
        c.burst(MESSAGES, bh);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void jetty(Jetty c, Blackhole bh) throws Exception {
        c.burst(MESSAGES, bh);
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void rawSocket(RawSocket c, Blackhole bh) throws Exception {
        c.burst(MESSAGES, bh);
    }
}
