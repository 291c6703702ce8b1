package dev.framewire.internal.connection;

import static dev.framewire.internal.RacingWebSocket.Peer.CLOSE;
import static dev.framewire.internal.RacingWebSocket.Peer.PART_0;
import static dev.framewire.internal.RacingWebSocket.Peer.PART_1;
import static dev.framewire.internal.RacingWebSocket.Peer.PART_2;

import dev.framewire.internal.RacingWebSocket;
import dev.framewire.internal.receive.Receiving;

import java.util.List;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * {@code close()} with nobody reading, while the peer's last parts and its Close arrive: the
 * connection's own {@link Connection#beginClose}, the steps {@code close()} takes before it waits
 * (the phase moves to CLOSING, the queue is emptied by {@code ReceiveQueue.discardAll}, the Close
 * goes to the JDK), while the JDK's thread delivers. The wait itself is left out: a blocking
 * actor would cut the samples a run takes by fifty times. discardAll's promise: the closing handshake completes even if the reader
 * stopped, so the peer's Close must be delivered without any read, and stay in front of the end.
 * Capacity 1, the smallest a builder allows, leaves no spare demand to hide a lost one.
 */
@JCStressTest
@Description("close() empties the queue while parts arrive: the peer's Close still comes, CLOSE before END")
@Outcome(id = "ok: CLOSE END END", expect = Expect.ACCEPTABLE, desc = "Data dropped; the Close came without a read")
@Outcome(expect = Expect.FORBIDDEN, desc = "The Close did not come without a read, or data/order/demand went wrong")
@State
public class CloseWhileReceivingStress {

    private final Receiving r = new Receiving(1, List.of(PART_0, PART_1, PART_2, CLOSE));

    /** The JDK's selector thread: the peer's last parts and its Close arrive. */
    @Actor
    public void selector() {
        r.ws.arrive(4);
    }

    /** close() up to its wait: what arrives from now on is dropped, what is queued goes, the Close goes out. */
    @Actor
    public void closer() {
        r.connection.beginClose();
    }

    @Arbiter
    public void arbiter(L_Result result) {
        int delivered = r.ws.delivered(); // before any read: close() waits here for the peer's Close
        List<String> taken = r.drain();
        String broken = r.flowControlBroken();
        if (!broken.isEmpty()) {
            result.r1 = broken;
        } else if (delivered != 4) {
            result.r1 = "stalled: " + delivered + " of 4 delivered without a read, queue " + taken;
        } else {
            result.r1 = "ok: " + String.join(" ", taken);
        }
    }
}
