package dev.framewire.jmh;

import java.net.URI;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Question: how long does it take to open a WebSocket connection (TCP connect + HTTP upgrade, until
 * the library says it is open) when the client is already warm?
 *
 * One operation = dial one connection to the echo server on 127.0.0.1 (its own JVM, as in
 * EchoLatency) and wait until it is open. "Warm" means what a library lets connections share is
 * made once per fork and reused (EchoClient.Kind#dialer): framewire's shared HttpClient, one
 * HttpClient for raw java.net.http, one WebSocketFactory (nv), one started Jetty WebSocketClient,
 * one Tyrus ClientManager, OkHttp's client. Java-WebSocket and the hand-framed socket have nothing
 * to share. The connection is closed after each operation, outside the timed part
 * (Level.Invocation: fine here, an operation takes hundreds of microseconds).
 *
 * SampleTime: read p0.50 and p0.99.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class ConnectTime {

    @Param({"FRAMEWIRE_READ_MESSAGE", "RAW_JDK_QUEUE", "RAW_JDK_DIRECT", "NV_WEBSOCKET", "JAVA_WEBSOCKET",
            "OKHTTP", "JETTY", "TYRUS", "RAW_SOCKET"})
    public EchoClient.Kind client;

    private EchoClient.Dialer dialer;
    private URI uri;
    private EchoClient open;

    @Setup(Level.Trial)
    public void warmUp(EchoServerState server) throws Exception {
        uri = server.messageEcho();
        dialer = client.dialer();
        // One connection before timing starts, so a failing dialer fails the setup.
        EchoClient first = dialer.dial(uri);
        first.send("hello");
        if (!"hello".equals(Connections.textOf(first.receive()))) {
            throw new IllegalStateException(client + " did not echo");
        }
        first.close();
    }

    @Benchmark
    public Object connect() throws Exception {
        open = dialer.dial(uri);
        return open;
    }

    @TearDown(Level.Invocation)
    public void closeConnection() {
        if (open != null) {
            open.close();
            open = null;
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        dialer.close();
    }
}
