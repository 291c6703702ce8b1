package dev.framewire.faults;

/**
 * Faults made with nftables inside the servers' namespace, for one server port at a time, switched
 * on and off while connections are open. The rules live in a table of the namespace
 * ({@code inet framewire}), so the host's firewall is never touched and deleting the namespace
 * removes them.
 *
 * <p>Each port gets two chains of its own, one for packets to the server ({@code in_PORT}, hooked
 * to input on the destination port) and one for packets from it ({@code out_PORT}, output on the
 * source port); a fault fills them, {@link #heal} empties them.
 */
final class Firewall {

    private static final String TABLE = "framewire";

    private final NetworkNamespace namespace;
    private final int port;
    private final String in;
    private final String out;

    private Firewall(NetworkNamespace namespace, int port) {
        this.namespace = namespace;
        this.port = port;
        this.in = "in_" + port;
        this.out = "out_" + port;
    }

    /** The firewall of one server port: creates its (empty) chains; the traffic flows freely. */
    static Firewall forPort(NetworkNamespace namespace, int port) {
        Firewall firewall = new Firewall(namespace, port);
        // "add" is idempotent for tables and chains, so every port's firewall can run these.
        namespace.run("nft", "add", "table", "inet", TABLE);
        namespace.run("nft", "add chain inet " + TABLE + " input { type filter hook input priority 0; policy accept; }");
        namespace.run("nft", "add chain inet " + TABLE + " output { type filter hook output priority 0; policy accept; }");
        namespace.run("nft", "add", "chain", "inet", TABLE, firewall.in);
        namespace.run("nft", "add", "chain", "inet", TABLE, firewall.out);
        namespace.run("nft", "add rule inet " + TABLE + " input tcp dport " + port + " jump " + firewall.in);
        namespace.run("nft", "add rule inet " + TABLE + " output tcp sport " + port + " jump " + firewall.out);
        return firewall;
    }

    /**
     * Silently drops every packet both ways: what a NAT or load balancer that forgot the flow, or a
     * pulled cable, does. No FIN, no RST; each side only sees the other go quiet.
     *
     * @return when the fault was switched on: the {@link System#nanoTime()} just before the
     *         {@code nft} command started, so a detection time measured from it includes the few
     *         milliseconds the command takes rather than missing part of the fault
     */
    long blackhole() {
        return apply("drop", "drop");
    }

    /**
     * Answers every packet from the client with a TCP reset, as a firewall that lost the flow's
     * state does. The connection ends as soon as the client sends anything: a message, a Ping, or
     * the ACK of data it receives, so a server that is streaming draws the reset within a round trip.
     * The server's packets are left alone: dropping them too would leave a client that only
     * receives with nothing to send, and the reset would never come (that is {@link #blackhole}).
     *
     * @return when the fault was switched on, as for {@link #blackhole()}
     */
    long reset() {
        return apply("reject with tcp reset", null);
    }

    /**
     * Drops each packet, each way, with probability {@code percent} %.
     *
     * @return when the fault was switched on, as for {@link #blackhole()}
     */
    long loss(int percent) {
        String rule = "numgen random mod 100 < " + percent + " drop";
        return apply(rule, rule);
    }

    /** Lets everything through again. */
    void heal() {
        namespace.run("nft", "flush chain inet " + TABLE + " " + in + "; flush chain inet " + TABLE + " " + out);
    }

    int port() {
        return port;
    }

    /**
     * Replaces the rules of both chains in one nft command, which the kernel applies as one
     * transaction: the fault starts in both directions at the same instant. A null rule leaves
     * that direction alone.
     */
    private long apply(String toServer, String fromServer) {
        long start = System.nanoTime();
        namespace.run("nft", "flush chain inet " + TABLE + " " + in + "; flush chain inet " + TABLE + " " + out
                + "; add rule inet " + TABLE + " " + in + " " + toServer
                + (fromServer == null ? "" : "; add rule inet " + TABLE + " " + out + " " + fromServer));
        return start;
    }
}
