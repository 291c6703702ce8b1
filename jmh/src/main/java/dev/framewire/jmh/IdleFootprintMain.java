package dev.framewire.jmh;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/*
 * Question: what does an open connection that sits idle cost, in heap and in threads, for each
 * client of EchoLatency?
 *
 * For each client, in a fresh JVM of its own (so one library's threads and caches never count for
 * another): open the warm client (EchoClient.Kind#dialer), measure, open `--connections` idle
 * connections to the echo server (its own JVM, started once), measure again. Heap is the heap in
 * use after full GCs; threads are the JVM's live threads. Reported per connection: the
 * difference divided by the count. A thread also costs native memory for its stack (reserved
 * 1 MiB by default on Linux x64, committed as it is touched), which the heap figure does not show.
 *
 * Not a JMH benchmark: one held-still measurement per client is the point.
 *
 *   java -cp jmh/target/benchmarks.jar dev.framewire.jmh.IdleFootprintMain
 *        [--connections 1000] [--clients FRAMEWIRE_READ_MESSAGE,RAW_JDK_QUEUE,...]
 */
public final class IdleFootprintMain {

    private static final String RESULT = "RESULT ";

    private IdleFootprintMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(EchoClient.Kind.valueOf(args[1]), URI.create(args[2]), Integer.parseInt(args[3]));
            return;
        }
        int connections = 1000;
        List<EchoClient.Kind> clients = new ArrayList<>(Arrays.asList(EchoClient.Kind.values()));
        clients.remove(EchoClient.Kind.FRAMEWIRE_READ_FRAME); // the same connection as readMessage
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--clients" -> clients = Arrays.stream(args[i + 1].split(",")).map(EchoClient.Kind::valueOf).toList();
                default -> throw new IllegalArgumentException("Unknown argument: " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "# JDK %s, %d cores, %d idle connections per client, each client in a fresh JVM (-Xms1g -Xmx1g)%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), connections);
        System.out.println("| client | heap per connection KiB | threads per connection | threads of the warm client | open s |");
        System.out.println("|---|---:|---:|---:|---:|");
        try (EchoServerProcess server = EchoServerProcess.start()) {
            URI uri = server.uri(EchoServerMain.MESSAGE_PATH);
            for (EchoClient.Kind kind : clients) {
                System.out.println(runChild(kind, uri, connections));
            }
        }
    }

    /** Runs one client in a JVM of its own and turns its result line into a table row. */
    private static String runChild(EchoClient.Kind kind, URI uri, int connections) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms1g", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                IdleFootprintMain.class.getName(), "--child", kind.name(), uri.toString(), Integer.toString(connections));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String row = "| " + kind + " | failed: see the error output |||";
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(RESULT)) {
                    String[] f = line.substring(RESULT.length()).split(" ");
                    long heapBase = Long.parseLong(f[0]);
                    long heapOpen = Long.parseLong(f[1]);
                    int threadsBefore = Integer.parseInt(f[2]);
                    int threadsBase = Integer.parseInt(f[3]);
                    int threadsOpen = Integer.parseInt(f[4]);
                    row = String.format(Locale.ROOT, "| %s | %.1f | %.2f | %d | %s |", kind,
                            (heapOpen - heapBase) / 1024.0 / connections,
                            (threadsOpen - threadsBase) / (double) connections,
                            threadsBase - threadsBefore, f[5]);
                } else {
                    System.err.println("[" + kind + "] " + line);
                }
            }
        }
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        return row;
    }

    /** In the child JVM: warm the client, open the connections, hold them still, measure. */
    private static void child(EchoClient.Kind kind, URI uri, int connections) throws Exception {
        int threadsBefore = liveThreads();
        EchoClient.Dialer dialer = kind.dialer();
        // One round trip on one connection, so the library's lazily started threads and classes
        // count as the warm client, not as the connections.
        EchoClient first = dialer.dial(uri);
        first.send("warm");
        first.receive();
        first.close();
        Thread.sleep(500);
        long heapBase = HeapUse.afterGc();
        int threadsBase = liveThreads();

        long start = System.nanoTime();
        List<EchoClient> open = new ArrayList<>(connections);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<EchoClient>> dialing = new ArrayList<>(connections);
            for (int i = 0; i < connections; i++) {
                dialing.add(pool.submit(() -> dialer.dial(uri)));
            }
            for (Future<EchoClient> f : dialing) {
                open.add(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(500); // let connection setup's transient threads end
        long heapOpen = HeapUse.afterGc();
        int threadsOpen = liveThreads();
        System.out.printf(Locale.ROOT, "%s%d %d %d %d %d %.1f%n", RESULT, heapBase, heapOpen,
                threadsBefore, threadsBase, threadsOpen, seconds);
        System.out.flush();
        System.exit(0); // no need to close 1,000 connections one by one: the server sees them drop
    }

    private static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
