package dev.framewire.internal;

import dev.framewire.CloseStatus;
import dev.framewire.Opcode;
import dev.framewire.internal.connection.Connection;
import dev.framewire.internal.connection.Settings;
import dev.framewire.internal.receive.InboundListener;
import dev.framewire.internal.receive.ReadResults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The real lifecycle owner, {@link Connection}, opened on a {@link RacingWebSocket}: what the
 * races drive is what {@code FrameSocket} drives. The listener is the one the connection handed
 * to its opener, as the JDK gets it.
 */
public final class RacingConnection {

    /** Reads are not what these races check: the values they would make are names only. */
    private static final ReadResults<String, String> NAMES = new ReadResults<>() {
        @Override
        public String frame(Opcode opcode, boolean last, String text, byte[] bytes, CloseStatus close) {
            return opcode.name();
        }

        @Override
        public String textMessage(String text) {
            return "TEXT";
        }

        @Override
        public String binaryMessage(byte[] bytes) {
            return "BINARY";
        }
    };

    public final Connection<String, String> connection;
    public final RacingWebSocket ws;
    public final InboundListener listener;

    /**
     * Opens a connection whose receive queue holds {@code capacity} parts and whose peer sends
     * {@code backlog} as the races let it arrive.
     *
     * @param completeLater whether sends complete on the fake JDK's writer thread, later
     */
    public RacingConnection(int capacity, List<RacingWebSocket.Peer> backlog, boolean completeLater) {
        Settings settings = new Settings(List.of(), List.of(), Duration.ofSeconds(10), null, null, Duration.ofSeconds(1),
                true, false, 1 << 20, capacity, null, null, null, Duration.ZERO);
        RacingWebSocket[] opened = new RacingWebSocket[1];
        InboundListener[] heard = new InboundListener[1];
        try {
            connection = new Connection<>(settings, URI.create("ws://127.0.0.1/"), NAMES, (listener, log) -> {
                heard[0] = (InboundListener) listener;
                opened[0] = new RacingWebSocket(listener, backlog, completeLater);
                listener.onOpen(opened[0]);
                return opened[0];
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ws = opened[0];
        listener = heard[0];
    }

    /** {@return the connection's state} */
    public ConnectionState state() {
        return connection.state();
    }

    /** {@code FrameSocket.close()} up to its wait for the peer's Close: the connection's own first steps. */
    public void beginClose() {
        connection.beginClose(new CloseStatus(CloseStatus.NORMAL_CLOSURE, ""));
    }
}
