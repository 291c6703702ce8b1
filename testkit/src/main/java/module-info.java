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
    // ScriptedServerExtension only, and only for those who use it: optional at run time and for
    // modules that read the testkit (not transitive, which would make every one of them need JUnit).
    requires static org.junit.jupiter.api;

    exports dev.framewire.testkit;
}
