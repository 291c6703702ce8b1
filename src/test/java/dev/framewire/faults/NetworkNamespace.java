package dev.framewire.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A Linux network namespace for the servers, joined to the test JVM's own namespace by a veth
 * pair with a private /30: the client (this JVM) is {@code 10.199.X.Y+1}, the servers are
 * {@code 10.199.X.Y+2}. Faults ({@link Firewall}, {@link SlowLink}) are set inside the server's
 * namespace or on the veth pair, so the host's own rules are never touched, and deleting the
 * namespace removes everything the test made (the veth pair goes with it).
 *
 * <p>Names carry this JVM's PID ({@code fwns-PID-N}), so parallel runs do not clash, and namespaces
 * whose JVM is gone (a run killed before its clean-up) are deleted when the next one is made.
 *
 * <p>Needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN), {@code ip}, {@code nft} and {@code tc}. Where
 * any of that is missing, {@link #create()} skips the test with a message that names what was
 * missing; with the environment variable {@code FRAMEWIRE_FAULTS_REQUIRED=1} (as CI sets it) it
 * fails instead, so a fault suite cannot pass by not running.
 */
final class NetworkNamespace implements AutoCloseable {

    private static final String PREFIX = "fwns-";
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final long PID = ProcessHandle.current().pid();

    private final String name;
    private final String hostInterface;
    private final String serverInterface;
    private final String hostAddress;
    private final String serverAddress;

    private NetworkNamespace(String name, String hostInterface, String serverInterface, String hostAddress,
            String serverAddress) {
        this.name = name;
        this.hostInterface = hostInterface;
        this.serverInterface = serverInterface;
        this.hostAddress = hostAddress;
        this.serverAddress = serverAddress;
    }

    /**
     * Makes a fresh namespace with its veth pair up and addressed, or skips (fails, in CI) the test
     * if this machine cannot.
     */
    static NetworkNamespace create() {
        requireTools();
        deleteLeftovers();
        int n = COUNTER.incrementAndGet();
        String name = PREFIX + PID + "-" + n;
        // Interface names are limited to 15 characters: "fwh" + up to 7 PID digits + counter.
        String id = Long.toString(PID % 10_000_000) + Integer.toString(n, 36);
        String hostIf = "fwh" + id;
        String serverIf = "fws" + id;
        Shell.Result made = Shell.tryRun("ip", "netns", "add", name);
        if (!made.ok()) {
            unavailable("`ip netns add` failed (root, or CAP_SYS_ADMIN and CAP_NET_ADMIN, is needed): " + made.output());
        }
        try {
            int subnet = freeSubnet();
            String host = "10.199." + (subnet >> 6) + "." + ((subnet & 63) * 4 + 1);
            String server = "10.199." + (subnet >> 6) + "." + ((subnet & 63) * 4 + 2);
            Shell.run("ip", "link", "add", hostIf, "type", "veth", "peer", "name", serverIf);
            Shell.run("ip", "link", "set", serverIf, "netns", name);
            Shell.run("ip", "addr", "add", host + "/30", "dev", hostIf);
            Shell.run("ip", "link", "set", hostIf, "up");
            Shell.run("ip", "-n", name, "addr", "add", server + "/30", "dev", serverIf);
            Shell.run("ip", "-n", name, "link", "set", serverIf, "up");
            Shell.run("ip", "-n", name, "link", "set", "lo", "up");
            NetworkNamespace namespace = new NetworkNamespace(name, hostIf, serverIf, host, server);
            namespace.checkFaultTools();
            return namespace;
        } catch (RuntimeException | Error e) {
            Shell.tryRun("ip", "link", "del", hostIf);
            Shell.tryRun("ip", "netns", "del", name);
            throw e;
        }
    }

    /** The namespace's name, for {@code ip netns exec}. */
    String name() {
        return name;
    }

    /** The servers' address, reachable from the test JVM over the veth pair. */
    String serverAddress() {
        return serverAddress;
    }

    /** The client's (this JVM's) end of the veth pair. */
    String hostInterface() {
        return hostInterface;
    }

    /** The servers' end of the veth pair, inside the namespace. */
    String serverInterface() {
        return serverInterface;
    }

    /** {@code command} prefixed so that it runs inside this namespace. */
    List<String> inside(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return full;
    }

    /** Runs {@code command} inside this namespace and fails with its output if it fails. */
    String run(String... command) {
        return Shell.run(inside(command));
    }

    /**
     * Deletes the namespace (and with it every process-independent thing in it: rules, qdiscs, the
     * veth pair). Processes started in it must have been stopped first; see {@link ServerProcess}.
     */
    @Override
    public void close() {
        // Deleting the namespace destroys the veth pair, but only once the kernel has finished
        // with the namespace; deleting the host end first makes it go at once.
        Shell.tryRun("ip", "link", "del", hostInterface);
        Shell.Result deleted = Shell.tryRun("ip", "netns", "del", name);
        if (!deleted.ok()) {
            throw new IllegalStateException("could not delete network namespace " + name + ": " + deleted.output());
        }
    }

    @Override
    public String toString() {
        return name + " (" + hostAddress + " <-> " + serverAddress + ")";
    }

    // ---------------------------------------------------------------- setting up

    private static void requireTools() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            unavailable("network namespaces need Linux; this is " + System.getProperty("os.name"));
        }
        for (String[] probe : List.of(new String[] {"ip", "-V"}, new String[] {"nft", "--version"},
                new String[] {"tc", "-V"})) {
            Shell.Result result = Shell.tryRun(probe);
            if (!result.ok()) {
                unavailable("`" + probe[0] + "` is not usable (install iproute2 and nftables): " + result.output());
            }
        }
    }

    /** nftables and tc must work inside the namespace, not only exist. */
    private void checkFaultTools() {
        Shell.Result nft = Shell.tryRun(inside("nft", "list", "ruleset").toArray(String[]::new));
        if (!nft.ok()) {
            unavailable("nftables does not work in a network namespace: " + nft.output());
        }
        Shell.Result tc = Shell.tryRun(inside("tc", "qdisc", "show", "dev", serverInterface).toArray(String[]::new));
        if (!tc.ok()) {
            unavailable("tc does not work in a network namespace: " + tc.output());
        }
    }

    /** Skips the test, or fails it where the fault suite is required (CI). */
    static void unavailable(String what) {
        String message = "fault suite cannot run: " + what;
        if ("1".equals(System.getenv("FRAMEWIRE_FAULTS_REQUIRED"))) {
            throw new AssertionError(message + " (FRAMEWIRE_FAULTS_REQUIRED=1, so this is a failure, not a skip)");
        }
        Assumptions.abort(message);
    }

    /** A /30 of 10.199.0.0/16 that no interface on this side uses yet, numbered 0 to 16383. */
    private static int freeSubnet() {
        Set<Integer> used = new TreeSet<>();
        Matcher m = Pattern.compile("inet 10\\.199\\.(\\d+)\\.(\\d+)/").matcher(Shell.run("ip", "-4", "-o", "addr", "show"));
        while (m.find()) {
            used.add(Integer.parseInt(m.group(1)) * 64 + Integer.parseInt(m.group(2)) / 4);
        }
        int start = (int) ((PID * 16 + COUNTER.get()) % 16384);
        for (int i = 0; i < 16384; i++) {
            int candidate = (start + i) % 16384;
            if (!used.contains(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free /30 left in 10.199.0.0/16");
    }

    /** Deletes namespaces this suite made in JVMs that no longer run. */
    private static void deleteLeftovers() {
        Shell.Result list = Shell.tryRun("ip", "netns", "list");
        if (!list.ok()) {
            return;
        }
        Pattern ours = Pattern.compile("^" + PREFIX + "(\\d+)-\\d+");
        Stream.of(list.output().split("\n")).map(ours::matcher).filter(Matcher::find).forEach(m -> {
            long pid = Long.parseLong(m.group(1));
            if (ProcessHandle.of(pid).isEmpty()) {
                Shell.tryRun("ip", "netns", "del", m.group());
            }
        });
    }
}
