package dev.framewire.internal.receive;

import static dev.framewire.internal.RacingWebSocket.Peer.PART_0;
import static dev.framewire.internal.RacingWebSocket.Peer.PART_1;
import static dev.framewire.internal.RacingWebSocket.Peer.PART_2;
import static dev.framewire.internal.RacingWebSocket.Peer.PART_3;
import static dev.framewire.internal.RacingWebSocket.Peer.PING;
import static dev.framewire.internal.RacingWebSocket.Peer.PONG;

import dev.framewire.internal.RacingWebSocket;

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
 * ReceiveQueue's demand accounting: the JDK's thread delivers parts (and a Ping and a Pong that
 * are filtered) as demand allows, while a reader takes parts, each take asking for one more, which
 * may deliver the next part right inside {@code request(1)} on the reader's thread.
 */
@JCStressTest
@Description("Parts queued + demand outstanding == capacity, never more than capacity queued, order kept")
@Outcome(id = "ok, reader took [0-4]", expect = Expect.ACCEPTABLE, desc = "Every part once, in order; the sum is the capacity")
@Outcome(expect = Expect.FORBIDDEN, desc = "Flow control broken, or a part lost, duplicated or reordered")
@State
public class QueueDemandStress {

    private static final List<String> PARTS = List.of("P0", "P1", "P2", "P3");

    private final Receiving r = new Receiving(2, List.of(PART_0, PING, PART_1, PART_2, PONG, PART_3));
    private String readerTook;

    /** The JDK's selector thread: the peer's frames arrive; it delivers what demand allows. */
    @Actor
    public void selector() {
        r.ws.arrive(6);
    }

    /** The reader: four non-blocking takes. */
    @Actor
    public void reader() {
        readerTook = r.takeNow(4);
    }

    @Arbiter
    public void arbiter(L_Result result) {
        List<String> rest = r.drain(); // each take asks for one more: delivers the rest
        String broken = r.flowControlBroken();
        String all = readerTook + String.join(" ", rest);
        if (!broken.isEmpty()) {
            result.r1 = broken;
        } else if (!all.trim().equals(String.join(" ", PARTS))) {
            result.r1 = "read " + all;
        } else {
            result.r1 = "ok, reader took " + readerTook.chars().filter(c -> c == ' ').count(); // one space per part
        }
    }
}
