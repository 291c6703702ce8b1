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
     */
    void blackhole() {
        heal();
        rule(in, "drop");
        rule(out, "drop");
    }

    /**
     * Answers every packet from the client with a TCP reset, and lets no more data from the server
     * out: the connection ends with an RST as soon as the client sends anything (an ACK of data it
     * receives counts), and nothing after the fault arrives.
     */
    void reset() {
        heal();
        rule(in, "reject with tcp reset");
        // The reset that the rule above sends passes the output hook too; it must get through.
        rule(out, "tcp flags & rst == 0 drop");
    }

    /** Drops each packet, each way, with probability {@code percent} %. */
    void loss(int percent) {
        heal();
        rule(in, "numgen random mod 100 < " + percent + " drop");
        rule(out, "numgen random mod 100 < " + percent + " drop");
    }

    /** Lets everything through again. */
    void heal() {
        namespace.run("nft", "flush", "chain", "inet", TABLE, in);
        namespace.run("nft", "flush", "chain", "inet", TABLE, out);
    }

    int port() {
        return port;
    }

    private void rule(String chain, String rule) {
        namespace.run("nft", "add rule inet " + TABLE + " " + chain + " " + rule);
    }
}
