/**
 * framewire: a blocking, frame-level WebSocket client on top of {@code java.net.http.WebSocket}.
 *
 * <p>Everything public lives in {@link dev.framewire}; start with {@link dev.framewire.FrameSocket}.
 * The implementation in {@code dev.framewire.internal} is not exported. framewire has no runtime
 * dependency beyond the JDK; {@code jdk.jfr} is optional (its events are recorded
 * when it is there).
 */
module dev.framewire {
    requires transitive java.net.http;
    // JDK Flight Recorder events (docs/observing.md) when the runtime has jdk.jfr; none without it.
    requires static jdk.jfr;

    exports dev.framewire;
}
