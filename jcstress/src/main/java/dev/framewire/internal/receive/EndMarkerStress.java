package dev.framewire.internal.receive;

import static dev.framewire.internal.RacingWebSocket.Peer.PART_0;
import static dev.framewire.internal.RacingWebSocket.Peer.PART_1;
import static dev.framewire.internal.RacingWebSocket.Peer.PART_2;

import dev.framewire.internal.Ending;
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
 * The end marker against a part that lands behind it ({@code FrameSocket.abortWith} ends the
 * queue, then aborts the JDK, whose listener call may add a part in between) and a reader taking
 * at the same time. Two parts were queued before. The end is never overtaken: once a take
 * returned it, every later take returns it again and no part comes after it.
 */
@JCStressTest
@Description("Once a take returned the end, every later take returns it: no part after the end")
@Outcome(id = "ok: P0 P1 END END", expect = Expect.ACCEPTABLE, desc = "Both parts, then the end, sticky")
@Outcome(expect = Expect.FORBIDDEN, desc = "A part after the end, the end lost, or a part lost")
@State
public class EndMarkerStress {

    private final Receiving r = new Receiving(3, List.of(PART_0, PART_1, PART_2));
    private String readerTook;

    public EndMarkerStress() {
        r.ws.arrive(2); // P0 and P1 wait in the queue
    }

    /** abortWith: the end first; the JDK's listener call in flight adds P2 behind it. */
    @Actor
    public void aborter() {
        r.listener.finish(Ending.localAbort("aborted by the test", null));
        r.ws.arrive(1);
    }

    /** The reader: three non-blocking takes. */
    @Actor
    public void reader() {
        readerTook = r.takeNow(3);
    }

    @Arbiter
    public void arbiter(L_Result result) {
        String all = (readerTook + String.join(" ", r.drain())).trim();
        // The reader may have taken the end already: the arbiter's takes then add two more ends.
        result.r1 = "ok: " + all.replaceAll("( END)+$", " END END");
        if (!result.r1.equals("ok: P0 P1 END END")) {
            result.r1 = "read " + all;
        }
    }
}
