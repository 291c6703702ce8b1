package dev.framewire.internal.events;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** {@code dev.framewire.RoundTrip}: a Ping of framewire's own was answered. */
@Name("dev.framewire.RoundTrip")
@Label("WebSocket Round Trip")
@Description("A Ping framewire sent (ping(Duration) or the keepalive) and its Pong")
@StackTrace(false)
final class RoundTripEvent extends ConnectionEvent {

    @Label("Round Trip")
    @Description("From handing the Ping to the JDK until its Pong arrived")
    @Timespan(Timespan.NANOSECONDS)
    long roundTrip;

    @Label("Keepalive")
    @Description("The keepalive sent the Ping, not a call of ping(Duration)")
    boolean keepAlive;
}
