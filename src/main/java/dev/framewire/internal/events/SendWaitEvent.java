package dev.framewire.internal.events;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * {@code dev.framewire.SendWait}: a send waited, for longer than the event's threshold. Its
 * duration is the wait. The stack trace shows which send it was.
 */
@Name("dev.framewire.SendWait")
@Label("WebSocket Send Wait")
@Description("A send blocked: for the send slot (another thread's send), for another thread's unfinished message, or for TCP (the peer reads slowly)")
@Threshold("20 ms")
@StackTrace(true)
final class SendWaitEvent extends ConnectionEvent {

    @Label("Frame")
    @Description("What was being sent: text frame, binary frame, Ping, Pong or Close")
    String frame;

    @Label("Payload Length")
    @Description("Its payload: bytes, chars for text")
    long payloadLength;

    @Label("Waited For")
    @Description("slot (an earlier send of this connection still held the JDK), turn (another thread's fragmented message was unfinished) or write (the JDK had not written it yet: TCP back-pressure)")
    String waitedFor;
}
