package dev.framewire.internal.events;

import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** {@code dev.framewire.Connect}: one opening handshake, from its start until it succeeded or failed. */
@Name("dev.framewire.Connect")
@Label("WebSocket Connect")
@Description("An opening handshake: TCP connect, proxy tunnel, TLS and HTTP upgrade; its duration is the whole of it")
@StackTrace(false)
final class ConnectEvent extends ConnectionEvent {

    @Label("Proxy")
    @Description("The HTTP proxy the JDK tunnelled through, host:port; empty when connecting directly")
    String proxy;

    @Label("Outcome")
    @Description("connected, refused (the server answered without upgrading), interrupted, or failed (refused, unreachable, timed out, TLS)")
    String outcome;

    @Label("Failure")
    @Description("What went wrong, as the exception's message says it; empty when connected")
    String failure;
}
