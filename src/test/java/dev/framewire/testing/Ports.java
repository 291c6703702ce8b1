package dev.framewire.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback ports for tests of connections that fail. */
public final class Ports {

    private Ports() {
    }

    /**
     * {@return a loopback port that nothing listens on}: one the kernel just handed out and that
     * was closed again at once, so a connect to it is refused (unless another process takes it
     * in between, which ephemeral ports make unlikely).
     */
    public static int closed() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /**
     * {@return a listener on a loopback port that never answers}: the kernel completes TCP
     * connections into its backlog, and nobody ever reads or writes. Close it when done.
     */
    public static ServerSocket silent() throws IOException {
        ServerSocket silent = new ServerSocket();
        silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        return silent;
    }
}
