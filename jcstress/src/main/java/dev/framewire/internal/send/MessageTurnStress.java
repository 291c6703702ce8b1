package dev.framewire.internal.send;

import java.nio.ByteBuffer;
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
 * Sends serialized per message ({@link MessageTurn}): one thread sends a text message as two
 * frames with a Ping between them, the other a text message as two frames and then a whole
 * binary message (jcstress runs no more actors than there are cores), while the JDK
 * completes every send later on its own thread. On the wire each fragmented message must be
 * contiguous (a Ping may sit inside it; nothing else may), and every send must have gone out.
 */
@JCStressTest
@Description("The frames of one thread's fragmented message are never mixed with another thread's data frames")
@Outcome(id = "ok", expect = Expect.ACCEPTABLE, desc = "Each message contiguous on the wire, slots free again")
@Outcome(expect = Expect.FORBIDDEN, desc = "Frames of two messages mixed, a send failed, or a slot was lost")
@State
public class MessageTurnStress {

    private final Sending s = new Sending();
    private String a;
    private String b;
    private String c;

    @Actor
    public void first() {
        a = Sending.outcome(() -> {
            s.sender.sendText("a1", false, false);
            s.sender.sendPing(ByteBuffer.wrap(new byte[] {1}));
            s.sender.sendText("a2", true, false);
        });
    }

    @Actor
    public void second() {
        b = Sending.outcome(() -> {
            s.sender.sendText("b1", false, false);
            s.sender.sendText("b2", true, false);
        });
        c = Sending.outcome(() -> s.sender.sendBinary(ByteBuffer.wrap(new byte[] {7}), true, true));
    }

    @Arbiter
    public void arbiter(L_Result result) {
        String broken = s.slotsBroken();
        if (!broken.isEmpty()) {
            result.r1 = broken;
            return;
        }
        if (!a.equals("sent") || !b.equals("sent") || !c.equals("sent")) {
            result.r1 = "a " + a + ", b " + b + ", c " + c;
            return;
        }
        List<String> data = s.ws.sent().stream().filter(frame -> !frame.equals("PING")).toList();
        int a1 = data.indexOf("Ta1+");
        int b1 = data.indexOf("Tb1+");
        boolean contiguous = data.size() == 5 && a1 >= 0 && b1 >= 0
                && data.get(a1 + 1).equals("Ta2") && data.get(b1 + 1).equals("Tb2");
        result.r1 = contiguous ? "ok" : "mixed: " + s.ws.sent();
    }
}
