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
 * A send stream's owner token: while a stream is open (from {@code openStream}, noted in the send
 * log as "open" once it returned, to its final frame), a whole message from another thread is
 * refused, also before the stream's first frame; before or after the stream it goes through.
 */
@JCStressTest
@Description("While a send stream is open, no other data frame goes between its fragments")
@Outcome(id = "wire: B9 open B1\\+ B2", expect = Expect.ACCEPTABLE, desc = "The message went before the stream opened")
@Outcome(id = "wire: open B1\\+ B2 B9", expect = Expect.ACCEPTABLE, desc = "The message went after the stream's final frame")
@Outcome(id = "wire: open B1\\+ B2, refused", expect = Expect.ACCEPTABLE, desc = "The message was refused while the stream was open")
@Outcome(expect = Expect.FORBIDDEN, desc = "A frame went between the stream's fragments, or a slot broke")
@State
public class StreamOwnerStress {

    private final Sending s = new Sending();
    private final SendStream stream = new SendStream() {
        @Override
        public SentFrame frames() {
            return SentFrame.BINARY_FRAME;
        }

        @Override
        public String toString() {
            return "the test's stream";
        }
    };
    private String streamOutcome;
    private String message;

    @Actor
    public void streamWriter() {
        streamOutcome = Sending.outcome(() -> {
            s.sender.openStream(stream);
            s.ws.note("open");
            s.sender.streamBinary(stream, ByteBuffer.wrap(new byte[] {1}), false, () -> { });
            s.sender.streamBinary(stream, ByteBuffer.wrap(new byte[] {2}), true, () -> { });
        });
    }

    @Actor
    public void otherSender() {
        message = Sending.outcome(() -> s.sender.sendBinary(ByteBuffer.wrap(new byte[] {9}), true, true));
    }

    @Arbiter
    public void arbiter(L_Result result) {
        String broken = s.slotsBroken();
        String sent = String.join(" ", s.ws.sent());
        if (!broken.isEmpty() || !streamOutcome.equals("sent")) {
            result.r1 = broken + " stream " + streamOutcome;
        } else if (message.equals("sent")) {
            result.r1 = "wire: " + sent;
        } else if (message.equals("IllegalStateException")) {
            result.r1 = "wire: " + sent + ", refused";
        } else {
            result.r1 = "message " + message + ": " + sent;
        }
    }
}
