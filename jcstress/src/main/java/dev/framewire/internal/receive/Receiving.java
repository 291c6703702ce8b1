package dev.framewire.internal.receive;

import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.RacingConnection;
import dev.framewire.internal.RacingWebSocket;

import java.util.ArrayList;
import java.util.List;

/**
 * The receive path of a real {@link RacingConnection}, opened, so the queue's first demand is
 * out; plus the checks the arbiters share. One per jcstress state object.
 */
public final class Receiving {

    public final RacingConnection connection;
    public final ConnectionState state;
    public final ReceiveQueue queue;
    public final InboundListener listener;
    public final RacingWebSocket ws;

    public Receiving(int capacity, List<RacingWebSocket.Peer> backlog) {
        connection = new RacingConnection(capacity, backlog, false);
        state = connection.state();
        queue = connection.connection.queue();
        listener = connection.listener;
        ws = connection.ws;
    }

    /** One non-blocking take, named: "P0".."P3", "CLOSE", "END", or "-" when nothing is queued. */
    public String takeNow() {
        try {
            return name(queue.take(0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "INTERRUPTED";
        }
    }

    /** {@return what {@code times} non-blocking takes found, each followed by a space} */
    public String takeNow(int times) {
        StringBuilder taken = new StringBuilder();
        for (int i = 0; i < times; i++) {
            String item = takeNow();
            if (!item.equals("-")) {
                taken.append(item).append(' ');
            }
        }
        return taken.toString();
    }

    /** Takes until nothing is queued or the end came twice (once to see it, once to see it stays). */
    public List<String> drain() {
        List<String> taken = new ArrayList<>();
        int ends = 0;
        for (String item = takeNow(); !item.equals("-") && ends < 2; item = takeNow()) {
            taken.add(item);
            ends += item.equals("END") ? 1 : 0;
        }
        return taken;
    }

    /**
     * {@return "" if the flow control holds after every actor finished, else what broke}: nothing
     * went wrong in a listener call, the queue never held more than its capacity, and what it holds
     * plus the demand the JDK still owes is exactly the capacity (less is demand that leaked: the
     * connection stalls; more would let the JDK overflow the queue).
     */
    public String flowControlBroken() {
        List<String> failures = ws.failures();
        if (!failures.isEmpty()) {
            return "failures " + failures;
        }
        if (queue.highWater() > queue.capacity()) {
            return "held " + queue.highWater() + " > capacity " + queue.capacity();
        }
        long sum = queue.held() + ws.outstanding();
        if (sum != queue.capacity()) {
            return "held " + queue.held() + " + demand " + ws.outstanding() + " != capacity " + queue.capacity();
        }
        return "";
    }

    private static String name(Inbound item) {
        if (item == null) {
            return "-";
        }
        if (item.isEnd()) {
            return "END";
        }
        if (item instanceof BinaryPart part) {
            return "P" + part.bytes()[0];
        }
        return ((ControlFrame) item).opcode().name();
    }
}
