package dev.framewire.faults;

/**
 * A slow link: a token-bucket filter ({@code tc qdisc … tbf}) on both ends of the veth pair, so
 * both directions are limited to the same rate. ({@code netem} would also add delay, but this
 * kernel does not have it.) Removing the qdiscs restores the full speed of the veth pair.
 */
final class SlowLink {

    private final NetworkNamespace namespace;

    SlowLink(NetworkNamespace namespace) {
        this.namespace = namespace;
    }

    /**
     * Limits both directions to {@code kbitPerSecond}. The bucket holds 4 KiB (a few packets), and
     * packets wait at most 200 ms in the queue before they are dropped, like a router's buffer.
     */
    void limit(int kbitPerSecond) {
        String[] tbf = {"root", "tbf", "rate", kbitPerSecond + "kbit", "burst", "4kb", "latency", "200ms"};
        Shell.run(concat(new String[] {"tc", "qdisc", "replace", "dev", namespace.hostInterface()}, tbf));
        namespace.run(concat(new String[] {"tc", "qdisc", "replace", "dev", namespace.serverInterface()}, tbf));
    }

    /** Full speed again. */
    void restore() {
        Shell.tryRun("tc", "qdisc", "del", "dev", namespace.hostInterface(), "root");
        Shell.tryRun(namespace.inside("tc", "qdisc", "del", "dev", namespace.serverInterface(), "root")
                .toArray(String[]::new));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
