/**
 * framewire-testkit: a scripted, byte-exact WebSocket server for tests of WebSocket clients.
 *
 * <p>Start with {@link dev.framewire.testkit.ScriptedServer}. The testkit has no runtime dependency
 * beyond the JDK; JUnit Jupiter's API is needed only by
 * {@link dev.framewire.testkit.ScriptedServerExtension}, and only by those who use it.
 */
module dev.framewire.testkit {
    // ScriptedServer hands out HttpClients that trust its certificate.
    requires transitive java.net.http;
    // ScriptedServerExtension only; transitive, since its public type implements JUnit's callbacks.
    requires static transitive org.junit.jupiter.api;

    exports dev.framewire.testkit;
}
