package dev.framewire.faults;

/**
 * One test class's setting: a fresh {@link NetworkNamespace} and a {@link ServerProcess} in it.
 * Made in {@code @BeforeAll}, closed in {@code @AfterAll}, which JUnit runs even when a test (or the
 * set-up itself) failed, so no process, namespace or veth pair is left behind.
 */
final class FaultLab implements AutoCloseable {

    private final NetworkNamespace namespace;
    private ServerProcess server;

    private FaultLab(NetworkNamespace namespace) {
        this.namespace = namespace;
    }

    /** A namespace with the servers running in it; skips (or, in CI, fails) where that is impossible. */
    static FaultLab start() throws Exception {
        FaultLab lab = new FaultLab(NetworkNamespace.create());
        try {
            lab.server = ServerProcess.start(lab.namespace);
        } catch (Exception | Error e) {
            lab.namespace.close();
            throw e;
        }
        return lab;
    }

    NetworkNamespace namespace() {
        return namespace;
    }

    ServerProcess server() {
        return server;
    }

    /** Replaces the server process with a fresh one, for tests that freeze or kill it. */
    ServerProcess restartServer() throws Exception {
        server.close();
        server = ServerProcess.start(namespace);
        return server;
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            namespace.close();
        }
    }
}
