package dev.framewire.jmh;

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

        @Setup(Level.Trial)
        public void open(EchoServerState server) throws Exception {
            message = Payloads.text(size);
            client = kind().open(server.messageEcho());
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
            client.send(message);
            return client.receive();
        }

        /** Sends {@code messages} messages back to back, then reads every echo. */
        void burst(int messages, Blackhole bh) throws Exception {
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

    public static class RawSocket extends Connection {
        @Override
        EchoClient.Kind kind() {
            return EchoClient.Kind.RAW_SOCKET;
        }
    }
}
