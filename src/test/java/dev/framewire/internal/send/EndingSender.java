package dev.framewire.internal.send;

import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.Ending;
import dev.framewire.internal.connection.ConnectionOnFake;
import dev.framewire.testing.FakeWebSocket;

import java.time.Duration;
import java.util.List;

/** Senders for the tests of the sender alone, on a {@link FakeWebSocket}. */
final class EndingSender {

    private EndingSender() {
    }

    /**
     * {@return a sender whose abort ends the connection}: it records the ending in {@code aborts},
     * ends {@code state} and aborts {@code ws}, the effects a connection's abort has on them
     * (the receive side, which {@code Connection.abort} also ends, is not there)
     */
    static OutboundSender on(FakeWebSocket ws, ConnectionState state, Duration sendTimeout, List<Ending> aborts) {
        return new OutboundSender(ws, state, sendTimeout, how -> {
            aborts.add(how);
            state.end(how);
            ws.abort();
        }, ConnectionOnFake.LOG, new SendCounts(), ConnectionOnFake.EVENTS);
    }
}
