package dev.framewire.internal.events;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** {@code dev.framewire.ConnectionEnd}: a connection ended, by either side or by the network. */
@Name("dev.framewire.ConnectionEnd")
@Label("WebSocket Connection End")
@Description("A connection ended: a Close from either side, a drop, an abort, a keepalive or send timeout")
@StackTrace(false)
final class ConnectionEndEvent extends ConnectionEvent {

    @Label("Initiated Locally")
    @Description("This side started the end: sendClose, close, abort, keepalive, send timeout, a message too large")
    boolean initiatedLocally;

    @Label("Code")
    @Description("The peer's close code; 1006 when the connection ended without the peer's Close")
    int code;

    @Label("Reason")
    @Description("The reason of the peer's Close; empty without one")
    String reason;

    @Label("Lifetime")
    @Description("From the end of the opening handshake until the end")
    @Timespan(Timespan.NANOSECONDS)
    long lifetime;

    @Label("Message")
    @Description("What happened, as ConnectionClosedException.getMessage() says it")
    String message;
}
