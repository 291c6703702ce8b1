package dev.framewire.internal.send;

import java.nio.ByteBuffer;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * The send slots: two threads each send a whole message and then a Ping, and the keepalive's
 * {@code trySendPing} comes in between, while the JDK completes every send later on its own
 * thread, which gives the slot back. One data send and one control send in flight at most, and
 * every slot released exactly once.
 */
@JCStressTest
@Description("One data and one control send in flight at most; each slot released exactly once")
@Outcome(id = "ok, keepalive ping (sent|skipped)", expect = Expect.ACCEPTABLE, desc = "No overlap, both slots free again")
@Outcome(expect = Expect.FORBIDDEN, desc = "Two sends of a kind overlapped, a send failed, or a slot was lost or doubled")
@State
public class SendSlotStress {

    private final Sending s = new Sending();
    private String text;
    private String binary;
    private String ping;
    private boolean keepalivePing;

    @Actor
    public void textSender() {
        text = Sending.outcome(() -> s.sender.sendText("a", true, true));
        ping = Sending.outcome(() -> s.sender.sendPing(ByteBuffer.wrap(new byte[] {1})));
    }

    @Actor
    public void binarySender() {
        binary = Sending.outcome(() -> s.sender.sendBinary(ByteBuffer.wrap(new byte[] {2}), true, true));
        keepalivePing = s.sender.trySendPing(ByteBuffer.wrap(new byte[] {3}));
    }

    @Arbiter
    public void arbiter(L_Result result) {
        awaitWrites();
        String broken = s.slotsBroken();
        if (!broken.isEmpty()) {
            result.r1 = broken;
        } else if (!text.equals("sent") || !binary.equals("sent") || !ping.equals("sent")) {
            result.r1 = "text " + text + ", binary " + binary + ", ping " + ping;
        } else {
            result.r1 = "ok, keepalive ping " + (keepalivePing ? "sent" : "skipped");
        }
    }

    /** trySendPing does not wait for its write: wait (briefly) until the JDK is done with it. */
    private void awaitWrites() {
        for (int i = 0; i < 10_000 && !s.slotsBroken().isEmpty(); i++) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
