package dev.framewire.internal.events;

/**
 * The only class that makes and commits framewire's JDK Flight Recorder events, and so the only
 * one that needs {@code jdk.jfr}: {@link ConnectionEvents} and {@link ReconnectEvents} call it
 * only when {@link Jfr#AVAILABLE}. Spans cross its boundary as {@code Object}, so that no caller's
 * signature names a {@code jdk.jfr} type.
 *
 * <p>Each method asks the event whether a recording wants it ({@code isEnabled()},
 * {@code shouldCommit()}) before it fills in a field: without a recording, an event costs the
 * allocation of an empty object, which the JIT removes.
 */
final class Recorded {

    private Recorded() {
    }

    static Object connectBegins() {
        ConnectEvent event = new ConnectEvent();
        if (!event.isEnabled()) {
            return null;
        }
        event.begin();
        return event;
    }

    static void connectEnds(Object span, String connection, String uri, String proxy, String outcome, String failure) {
        ConnectEvent event = (ConnectEvent) span;
        event.end();
        if (event.shouldCommit()) {
            event.proxy = proxy;
            event.outcome = outcome;
            event.failure = failure;
            event.of(connection, uri).commit();
        }
    }

    static void connectionEnd(String connection, String uri, boolean local, int code, String reason, long lifetimeNanos,
                              String message) {
        ConnectionEndEvent event = new ConnectionEndEvent();
        if (event.shouldCommit()) {
            event.initiatedLocally = local;
            event.code = code;
            event.reason = reason;
            event.lifetime = lifetimeNanos;
            event.message = message;
            event.of(connection, uri).commit();
        }
    }

    static void roundTrip(String connection, String uri, long nanos, boolean keepAlive) {
        RoundTripEvent event = new RoundTripEvent();
        if (event.shouldCommit()) {
            event.roundTrip = nanos;
            event.keepAlive = keepAlive;
            event.of(connection, uri).commit();
        }
    }

    static Object sendWaitBegins() {
        SendWaitEvent event = new SendWaitEvent();
        if (!event.isEnabled()) {
            return null;
        }
        event.begin();
        return event;
    }

    static void sendWaitEnds(Object span, String connection, String uri, String frame, long length, String waitedFor) {
        SendWaitEvent event = (SendWaitEvent) span;
        event.end();
        if (event.shouldCommit()) { // the threshold: only waits longer than it
            event.frame = frame;
            event.payloadLength = length;
            event.waitedFor = waitedFor;
            event.of(connection, uri).commit();
        }
    }

    static void keepAliveTimeout(String connection, String uri, long intervalNanos, long timeoutNanos) {
        KeepAliveTimeoutEvent event = new KeepAliveTimeoutEvent();
        if (event.shouldCommit()) {
            event.interval = intervalNanos;
            event.timeout = timeoutNanos;
            event.of(connection, uri).commit();
        }
    }

    static void messageTooLarge(String connection, String uri, long limit, long size) {
        MessageTooLargeEvent event = new MessageTooLargeEvent();
        if (event.shouldCommit()) {
            event.limit = limit;
            event.size = size;
            event.of(connection, uri).commit();
        }
    }

    static Object attemptBegins() {
        ReconnectAttemptEvent event = new ReconnectAttemptEvent();
        if (!event.isEnabled()) {
            return null;
        }
        event.begin();
        return event;
    }

    static void attemptEnds(Object span, String uri, int attempt, String outcome, long waitNanos, String cause) {
        ReconnectAttemptEvent event = (ReconnectAttemptEvent) span;
        event.end();
        if (event.shouldCommit()) {
            event.uri = uri;
            event.attempt = attempt;
            event.outcome = outcome;
            event.wait = waitNanos;
            event.cause = cause;
            event.commit();
        }
    }
}
