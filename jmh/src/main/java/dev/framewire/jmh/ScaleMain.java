package dev.framewire.jmh;

import dev.framewire.FrameSocket;
import dev.framewire.Message;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/*
 * Question: does framewire hold up with thousands of connections on one shared HttpClient, and
 * what does each connection cost?
 *
 * For each socket count: open that many connections with FrameSocket.connect (framewire's default
 * shared HttpClient), measure the heap they hold, then give each its own thread (virtual threads
 * on JDK 21+, found by reflection because this code is compiled for 17; platform threads on 17)
 * doing blocking echo round trips of a small message for a fixed time. Reports round trips per
 * second over all sockets, latency percentiles over all round trips, errors, and heap per socket
 * (used heap after connecting minus before, after full GCs, divided by the count).
 *
 * Not a JMH benchmark: one measurement of a few seconds per count is the point, not a
 * distribution of fork scores, and the heap figure needs the connections held still.
 *
 *   java -cp jmh/target/benchmarks.jar dev.framewire.jmh.ScaleMain
 *        [--sockets 100,1000,5000] [--seconds 10] [--warmup 3] [--size 16] [--client framewire|jdk]
 *
 * --client jdk runs the same loop on raw java.net.http (one shared direct-executor HttpClient,
 * the queue hand-off of EchoLatency's rawJdkDirect), to tell framewire's cost from the JDK's.
 */
public final class ScaleMain {

    private ScaleMain() {
    }

    /** One connection as the scale loop needs it. */
    private interface Conn {
        void roundTrip(String message) throws Exception;

        void close();
    }

    public static void main(String[] args) throws Exception {
        int[] counts = {100, 1000, 5000};
        int seconds = 10;
        int warmup = 3;
        int size = 16;
        String client = "framewire";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--sockets" -> counts = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--size" -> size = Integer.parseInt(value);
                case "--client" -> client = value;
                default -> throw new IllegalArgumentException("Unknown argument: " + args[i]);
            }
            i++;
        }
        if (!client.equals("framewire") && !client.equals("jdk")) {
            throw new IllegalArgumentException("--client is framewire or jdk, not " + client);
        }
        int max = Arrays.stream(counts).max().orElse(0);
        long fdLimit = fileDescriptorLimit();
        ThreadMaker threads = ThreadMaker.best();
        System.out.printf(Locale.ROOT, "# JDK %s (%s), %d cores, max heap %d MiB, open-file limit %s, threads: %s, client: %s%n",
                Runtime.version(), System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, fdLimit < 0 ? "unknown" : Long.toString(fdLimit),
                threads.kind(), client);
        if (fdLimit >= 0 && fdLimit < max + 200L) {
            System.out.printf("# WARNING: %d sockets need about %d open files in this JVM and in the echo server's;"
                    + " raise the limit (ulimit -n) or the larger counts will fail%n", max, max + 200);
        }
        System.out.println("| sockets | threads | connect s | heap/socket KiB | round trips/s | p50 µs | p99 µs | p99.9 µs | max µs | errors |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        String message = Payloads.text(size);
        try (EchoServerProcess server = EchoServerProcess.start()) {
            URI uri = server.uri(EchoServerMain.MESSAGE_PATH);
            HttpClient jdkClient = HttpClient.newBuilder().executor(Runnable::run).build();
            for (int count : counts) {
                runOnce(count, uri, message, seconds, warmup, threads,
                        client.equals("framewire") ? u -> openFramewire(u) : u -> openJdk(jdkClient, u));
            }
        }
        System.exit(0); // the JDK's HttpClient threads would outlive main for a while
    }

    private interface Opener {
        Conn open(URI uri) throws Exception;
    }

    private static Conn openFramewire(URI uri) throws Exception {
        FrameSocket socket = FrameSocket.connect(uri);
        return new Conn() {
            @Override
            public void roundTrip(String message) throws Exception {
                socket.sendText(message);
                Message echoed = socket.readMessage();
                if (echoed.text().length() != message.length()) {
                    throw new IllegalStateException("Wrong echo");
                }
            }

            @Override
            public void close() {
                socket.close();
            }
        };
    }

    private static Conn openJdk(HttpClient client, URI uri) throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = client.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder parts = new StringBuilder();

            @Override
            public void onOpen(WebSocket webSocket) {
                webSocket.request(1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                if (last && parts.length() == 0) {
                    received.add(data.toString());
                } else {
                    parts.append(data);
                    if (last) {
                        received.add(parts.toString());
                        parts.setLength(0);
                    }
                }
                webSocket.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        return new Conn() {
            @Override
            public void roundTrip(String message) throws Exception {
                ws.sendText(message, true).get();
                if (received.take().length() != message.length()) {
                    throw new IllegalStateException("Wrong echo");
                }
            }

            @Override
            public void close() {
                try {
                    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // Closing anyway.
                }
                ws.abort();
            }
        };
    }

    private static void runOnce(int count, URI uri, String message, int seconds, int warmup,
                                ThreadMaker threads, Opener opener) throws Exception {
        long heapBefore = HeapUse.afterGc();
        long connectStart = System.nanoTime();
        List<Conn> conns = openAll(count, uri, opener);
        double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
        long heapAfter = HeapUse.afterGc();
        double kibPerSocket = (heapAfter - heapBefore) / 1024.0 / count;

        AtomicInteger phase = new AtomicInteger(); // 0 warm-up, 1 measuring, 2 stop
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        long[][] samples = new long[count][];
        int[] sampleCounts = new int[count];
        CountDownLatch done = new CountDownLatch(count);
        List<Thread> workers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int id = i;
            Conn conn = conns.get(i);
            workers.add(threads.start(() -> {
                long[] mine = new long[1024];
                int n = 0;
                try {
                    int p;
                    while ((p = phase.get()) < 2) {
                        long t0 = System.nanoTime();
                        conn.roundTrip(message);
                        long t = System.nanoTime() - t0;
                        if (p == 1) {
                            if (n == mine.length) {
                                mine = Arrays.copyOf(mine, n * 2);
                            }
                            mine[n++] = t;
                        }
                    }
                } catch (Throwable e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e);
                } finally {
                    samples[id] = mine;
                    sampleCounts[id] = n;
                    done.countDown();
                }
            }));
        }
        Thread.sleep(warmup * 1000L);
        phase.set(1);
        long measureStart = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        phase.set(2);
        double measured = (System.nanoTime() - measureStart) / 1e9;
        if (!done.await(60, TimeUnit.SECONDS)) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, new IllegalStateException("Workers still running 60 s after the end"));
        }
        closeAll(conns);

        int total = 0;
        for (int n : sampleCounts) {
            total += n;
        }
        long[] all = new long[total];
        int at = 0;
        for (int i = 0; i < count; i++) {
            if (samples[i] != null) {
                System.arraycopy(samples[i], 0, all, at, sampleCounts[i]);
                at += sampleCounts[i];
            }
        }
        Arrays.sort(all, 0, at);
        System.out.printf(Locale.ROOT, "| %,d | %s | %.1f | %.1f | %,.0f | %.0f | %.0f | %.0f | %.0f | %d |%n",
                count, threads.kind(), connectSeconds, kibPerSocket, at / measured,
                percentile(all, at, 0.50), percentile(all, at, 0.99), percentile(all, at, 0.999),
                at == 0 ? 0.0 : all[at - 1] / 1e3, errors.get());
        if (firstError.get() != null) {
            System.out.println("# first error: " + firstError.get());
        }
    }

    private static double percentile(long[] sorted, int n, double p) {
        if (n == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(n - 1, Math.ceil(p * n) - 1);
        return sorted[Math.max(0, index)] / 1e3;
    }

    /** Opens the connections 32 at a time, so the server's accept queue and the handshakes keep up. */
    private static List<Conn> openAll(int count, URI uri, Opener opener) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<Conn>> futures = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> opener.open(uri)));
            }
            List<Conn> conns = new ArrayList<>(count);
            for (Future<Conn> f : futures) {
                conns.add(f.get());
            }
            return conns;
        } finally {
            pool.shutdown();
        }
    }

    private static void closeAll(List<Conn> conns) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        for (Conn c : conns) {
            pool.execute(c::close);
        }
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.MINUTES);
    }

    private static long fileDescriptorLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }

    /** Virtual threads where the running JDK has them (21+), platform threads otherwise. */
    private record ThreadMaker(String kind, java.util.concurrent.ThreadFactory factory) {
        static ThreadMaker best() {
            try {
                Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
                Class<?> builderType = Class.forName("java.lang.Thread$Builder");
                java.util.concurrent.ThreadFactory factory =
                        (java.util.concurrent.ThreadFactory) builderType.getMethod("factory").invoke(builder);
                return new ThreadMaker("virtual", factory);
            } catch (ReflectiveOperationException notOnThisJdk) {
                return new ThreadMaker("platform", r -> {
                    Thread t = new Thread(null, r, "scale-worker", 256 * 1024);
                    t.setDaemon(true);
                    return t;
                });
            }
        }

        Thread start(Runnable task) {
            Thread t = factory.newThread(task);
            t.start();
            return t;
        }
    }
}
