package dev.framewire.jmh;

import dev.framewire.jmh.Connections.FramewireReadFrame;
import dev.framewire.jmh.Connections.FramewireReadMessage;
import dev.framewire.jmh.Connections.FramewireSpin;
import dev.framewire.jmh.Connections.JavaWebSocket;
import dev.framewire.jmh.Connections.Jetty;
import dev.framewire.jmh.Connections.NvWebSocket;
import dev.framewire.jmh.Connections.OkHttp;
import dev.framewire.jmh.Connections.RawJdkDirect;
import dev.framewire.jmh.Connections.RawJdkQueue;
import dev.framewire.jmh.Connections.RawSocket;
import dev.framewire.jmh.Connections.Tyrus;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Question: how long does one echo round trip take through framewire's frame path, next to the
 * clients a Java user would pick instead, and next to a socket that does the framing by hand?
 *
 * One operation = send one text message of `size` UTF-8 bytes, then block until the echo of the
 * whole message is back. Every client talks to the same Jetty 12 echo server (whole-message echo,
 * no extensions) running in a JVM of its own on 127.0.0.1; each fork starts its own server and
 * opens one connection, at Level.Trial. SampleTime gives the latency distribution: read p0.50 and
 * p0.99. Run with -prof gc for bytes allocated per round trip (all threads of the client JVM,
 * the library's own I/O threads included; the server's JVM is not counted).
 *
 * The ratio that matters is to rawJdkQueue: java.net.http.WebSocket with the listener-to-queue
 * hand-off a user writes by hand, which is what framewire replaces. rawJdkDirect shows what the
 * JDK can do at best with the same listener (no executor hop); rawSocket is the floor.
 *
 * Ten seconds of warm-up: after three, every client's per-iteration p50 was still falling through
 * the measurement (281 to 126 µs for one fork) and the JIT compilers still took a quarter of the
 * client's CPU (async-profiler). Clients that warm up at different speeds would
 * otherwise be compared at different points of their warm-up.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EchoLatency {

    /** framewire: {@code sendText} + {@code readMessage}, the defaults. */
    @Benchmark
    public Object framewireReadMessage(FramewireReadMessage c) throws Exception {
        return c.roundTrip();
    }

    /** framewire: {@code sendText} + {@code readFrame} until the final part. */
    @Benchmark
    public Object framewireReadFrame(FramewireReadFrame c) throws Exception {
        return c.roundTrip();
    }

    /** java.net.http, default executor, listener → queue → reader. */
    @Benchmark
    public Object rawJdkQueue(RawJdkQueue c) throws Exception {
        return c.roundTrip();
    }

    /** java.net.http, {@code executor(Runnable::run)}, listener → queue → reader. */
    @Benchmark
    public Object rawJdkDirect(RawJdkDirect c) throws Exception {
        return c.roundTrip();
    }

    @Benchmark
    public Object nvWebSocket(NvWebSocket c) throws Exception {
        return c.roundTrip();
    }

    @Benchmark
    public Object javaWebSocket(JavaWebSocket c) throws Exception {
        return c.roundTrip();
    }

    @Benchmark
    public Object okHttp(OkHttp c) throws Exception {
        return c.roundTrip();
    }

    @Benchmark
    public Object jetty(Jetty c) throws Exception {
        return c.roundTrip();
    }

    /** Eclipse Tyrus standalone client (Jakarta WebSocket's reference implementation). */
    @Benchmark
    public Object tyrus(Tyrus c) throws Exception {
        return c.roundTrip();
    }

    /** framewire's {@code readMessage} with {@code Builder.readSpin(spinMicros)}: opt-in, costs CPU. */
    @Benchmark
    public Object framewireSpin(FramewireSpin c) throws Exception {
        return c.roundTrip();
    }

    /** The floor: framing by hand on a blocking socket. */
    @Benchmark
    public Object rawSocket(RawSocket c) throws Exception {
        return c.roundTrip();
    }
}
