package dev.framewire.internal.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** {@code dev.framewire.ReconnectAttempt}: one attempt of a Reconnector's connect(). */
@Name("dev.framewire.ReconnectAttempt")
@Label("WebSocket Reconnect Attempt")
@Category("framewire")
@Description("One attempt of Reconnector.connect(); its duration is the attempt, not the wait after it")
@StackTrace(false)
final class ReconnectAttemptEvent extends jdk.jfr.Event {

    @Label("URI")
    @Description("The URI, without user-info")
    String uri;

    @Label("Attempt")
    @Description("Its number within this connect() call, from 1")
    int attempt;

    @Label("Outcome")
    @Description("connected, retrying (a transient failure; the next attempt follows the wait) or failed (not transient, or the attempts ran out)")
    String outcome;

    @Label("Wait")
    @Description("The wait chosen before the next attempt (backoff with jitter, at least a Retry-After); 0 unless retrying")
    @Timespan(Timespan.NANOSECONDS)
    long wait;

    @Label("Cause")
    @Description("Why the attempt failed, in one line; empty when connected")
    String cause;
}
