package dev.framewire.internal.send;

import dev.framewire.internal.ConnectionState;
import dev.framewire.internal.RacingConnection;
import dev.framewire.internal.RacingWebSocket;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * An {@link OutboundSender} on a {@link RacingWebSocket} whose sends complete later, on the fake
 * JDK's writer thread, so a slot is given back from that thread while the next sender waits for
 * it. The sender is a real {@link RacingConnection}'s, so its aborts are the connection's own.
 */
public final class Sending {

    public final RacingConnection connection = new RacingConnection(1, List.of(), true);
    public final ConnectionState state = connection.state();
    public final RacingWebSocket ws = connection.ws;
    public final OutboundSender sender = connection.connection.sender();

    /**
     * {@return "" if the slots held after every send finished, else what broke}: no send reached
     * the JDK while another of its kind was pending, and each slot has its one permit back (none
     * lost: the next send would wait forever; none extra: two sends could overlap).
     */
    public String slotsBroken() {
        if (ws.overlaps() != 0) {
            return ws.overlaps() + " sends overlapped";
        }
        int data = freeSlots("dataSlot");
        int control = freeSlots("controlSlot");
        return data == 1 && control == 1 ? "" : "free slots: data " + data + ", control " + control;
    }

    /** The permits left in one of the sender's slots: private state, read by reflection (test code only). */
    private int freeSlots(String slot) {
        try {
            Field field = OutboundSender.class.getDeclaredField(slot);
            field.setAccessible(true);
            return ((Semaphore) field.get(sender)).availablePermits();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("OutboundSender." + slot + " is gone: update the jcstress tests", e);
        }
    }

    /** A send a test races. */
    @FunctionalInterface
    public interface Call {
        void run() throws Exception;
    }

    /** {@return "sent", or the simple name of what the call threw} */
    public static String outcome(Call call) {
        try {
            call.run();
            return "sent";
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }
}
