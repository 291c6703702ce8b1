package dev.framewire.jmh;

import java.net.URI;
import java.time.Duration;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The benchmark state shared by {@link EchoLatency} and {@link Throughput}: one connection of one
 * client kind to the echo server, and the text message it sends. JMH tells states apart by class,
 * so each client kind is a subclass of its own.
 */
public final class Connections {

    private Connections() {
    }

    /** One connection of one client kind, with the message it echoes. */
    @State(Scope.Thread)
    public abstract static class Connection {
        @Param({"16", "1024", "65536"})
        public int size;

        String message;
        EchoClient client;

        abstract EchoClient.Kind kind();

        /** Opens this state's connection; the kind's defaults unless a state says otherwise. */
        EchoClient openClient(URI uri) throws Exception {
            return kind().open(uri);
        }

        private long cpuAtStart;
        private long operations;

        @Setup(Level.Iteration)
        public void startCounting() {
            operations = 0;
            cpuAtStart = CpuTime.ofProcess();
        }

        /**
         * Prints the client JVM's CPU time (all its threads: the library's I/O threads, the
         * benchmark thread, GC and JIT) per operation of the iteration that just ended. JMH has
         * no CPU-time profiler; jmh/scripts/cpu.py takes the median of these lines over the
         * measurement iterations and forks.
         */
        @TearDown(Level.Iteration)
        public void reportCpu() {
            long cpu = CpuTime.ofProcess() - cpuAtStart;
            if (operations > 0 && cpu >= 0) {
                System.out.printf(java.util.Locale.ROOT, "%ncpu-per-op %s size=%d %s%.2f us%n",
                        stateName(), size, settings(), cpu / 1e3 / operations);
            }
        }

        /** {@return this state's own class name, not that of the subclass JMH generates} */
        private String stateName() {
            Class<?> c = getClass();
            while (c.getEnclosingClass() != Connections.class) {
                c = c.getSuperclass();
            }
            return c.getSimpleName();
        }

        /** {@return extra settings of this state for the CPU line, such as a spin} */
        String settings() {
            return "";
        }

        @Setup(Level.Trial)
        public void open(EchoServerState server) throws Exception {
            message = Payloads.text(size);
            client = openClient(server.messageEcho());
            // One round trip before timing starts, so a wrong echo fails the setup, not the numbers.
            client.send(message);
            String echoed = textOf(client.receive());
            // readFrame returns the last part only: its text ends the message.
            boolean same = kind() == EchoClient.Kind.FRAMEWIRE_READ_FRAME ? message.endsWith(echoed) : message.equals(echoed);
            if (!same) {
                throw new IllegalStateException(kind() + " echoed something else: " + echoed);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            client.close();
        }

        /** Sends the message and waits for its echo. */
        Object roundTrip() throws Exception {
            operations++;
            client.send(message);
            return client.receive();
        }

        /** Sends {@code messages} messages back to back, then reads every echo. */
        void burst(int messages, Blackhole bh) throws Exception {
            operations += messages;
            for (int i = 0; i < messages; i++) {
                client.send(message);
            }
            for (int i = 0; i < messages; i++) {
                bh.consume(client.receive());
            }
        }
    }

    static String textOf(Object echoed) {
        if (echoed instanceof dev.framewire.Message m) {
            return m.text();
        }
        if (echoed instanceof dev.framewire.Frame f) {
            return f.text();
        }
        return String.valueOf(echoed);
    }

    public static class FramewireReadMessage extends Connection {
        @Override
        EchoClient.Kind kind() {
            return EchoClient.Kind.FRAMEWIRE_READ_MESSAGE;
        }
    }

    /** framewire's {@code readMessage} with {@code Builder.readSpin}. */
    public static class FramewireSpin extends Connection {
        @Param({"50", "200", "500"})
        public int spinMicros;

        @Override
        EchoClient.Kind kind() {
            return EchoClient.Kind.FRAMEWIRE_READ_MESSAGE;
        }

        @Override
        EchoClient openClient(URI uri) throws Exception {
            return FramewireEcho.openSpinning(uri, Duration.ofNanos(spinMicros * 1_000L));
        }

        @Override
        String settings() {
            return "spin=" + spinMicros + "us ";
        }
    }

    public static class FramewireReadFrame extends Connection {
        @Override
        EchoClient.Kind kind() {
            return EchoClient.Kind.FRAMEWIRE_READ_FRAME;
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

    public static class Tyrus extends Connection {
        @Override
        EchoClient.Kind kind() {
            return EchoClient.Kind.TYRUS;
        }
    }

    public static class RawSocket extends Connection {
        @Override
        EchoClient.Kind kind() {
            return EchoClient.Kind.RAW_SOCKET;
        }
    }
}
