package dev.framewire.internal.events;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** {@code dev.framewire.KeepAliveTimeout}: the keepalive gave up on a silent peer and aborted. */
@Name("dev.framewire.KeepAliveTimeout")
@Label("WebSocket Keepalive Timeout")
@Description("Nothing arrived within the keepalive timeout of a Ping sent after the interval without traffic; the connection was aborted (1006)")
@StackTrace(false)
final class KeepAliveTimeoutEvent extends ConnectionEvent {

    @Label("Interval")
    @Description("The idle time after which the keepalive sends a Ping")
    @Timespan(Timespan.NANOSECONDS)
    long interval;

    @Label("Timeout")
    @Description("How long it waited for anything after that Ping")
    @Timespan(Timespan.NANOSECONDS)
    long timeout;
}
