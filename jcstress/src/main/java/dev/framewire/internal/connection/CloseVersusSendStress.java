package dev.framewire.internal.connection;

import dev.framewire.internal.Ending;
import dev.framewire.internal.send.Sending;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * {@code sendClose} on one thread while another sends a message. The Close takes no slot (the
 * JDK queues it beside a data send in flight). Either the message goes before the Close, or it is
 * refused as a send after this side's Close; the closing handshake goes on either way: nothing
 * aborts the connection, and the Close is written.
 */
@JCStressTest
@Description("sendClose racing a send: the message goes or is refused; the connection is never aborted")
@Outcome(id = "ok: text sent, close sent, Tx CLOSE1000", expect = Expect.ACCEPTABLE, desc = "The message went first")
@Outcome(id = "ok: text ConnectionClosedException local, close sent, CLOSE1000", expect = Expect.ACCEPTABLE,
        desc = "The message was refused: this side had sent its Close")
@Outcome(expect = Expect.FORBIDDEN, desc = "The race aborted the connection or lost the Close")
@State
public class CloseVersusSendStress {

    private final Sending s = new Sending();
    private String text;
    private boolean textRefusalLocal;
    private String close;

    @Actor
    public void sender() {
        try {
            s.sender.sendText("x", true, true);
            text = "sent";
        } catch (dev.framewire.ConnectionClosedException e) {
            text = "ConnectionClosedException";
            textRefusalLocal = e.initiatedLocally();
        } catch (Exception e) {
            text = e.getClass().getSimpleName();
        }
    }

    @Actor
    public void closer() {
        close = Sending.outcome(() -> s.sender.sendClose(1000, ""));
    }

    @Arbiter
    public void arbiter(L_Result result) {
        String sent = String.join(" ", s.ws.sent());
        String how = text + (text.equals("ConnectionClosedException") ? (textRefusalLocal ? " local" : " remote") : "");
        if (s.ws.aborted() || s.state.ending() != null) {
            Ending ending = s.state.ending();
            result.r1 = "aborted: text " + how + ", close " + close + ", " + sent
                    + (ending != null ? ", ending " + ending.status().code() + (ending.local() ? " local" : " remote") : "");
        } else {
            result.r1 = "ok: text " + how + ", close " + close + ", " + sent;
        }
    }
}
