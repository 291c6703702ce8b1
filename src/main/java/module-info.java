/**
 * framewire: a blocking, frame-level WebSocket client on top of {@code java.net.http.WebSocket}.
 *
 * <p>Everything public lives in {@link dev.framewire}; start with {@link dev.framewire.FrameSocket}.
 * The implementation in {@code dev.framewire.internal} is not exported. framewire has no runtime
 * dependency beyond the JDK.
 */
module dev.framewire {
    requires transitive java.net.http;

    exports dev.framewire;
}
