package dev.framewire.jmh;

import dev.framewire.FrameSocket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/*
 * Question: where does one echo round trip's time go, stage by stage?
 *
 * EchoLatency gives totals. This takes a round trip apart with System.nanoTime() stamps (about
 * 25 ns each) at the points a profiler cannot see as time: when the send returns, when the JDK
 * calls the listener on its selector thread, when the waiting reader runs again.
 *
 *   socket  the hand-framed blocking socket (the floor): write | wait until the echo is read
 *   twin    java.net.http built as framewire builds it (an executor that runs the listener on
 *           the selector thread once open, an ArrayBlockingQueue hand-off to the reader):
 *           the sendText call (encode, mask, write) | from its return until onText runs for the
 *           echo (wire, server, the selector's wake-up, the JDK's read and frame decoding) | from
 *           then, or from the send's future completing if that is later (framewire's sendText
 *           waits for it), until the reader runs (the hand-off: offer, unpark, the reader
 *           scheduled again)
 *   twin+spin  the same, with a reader that polls the queue (Thread.yield) before it blocks
 *   framewire  FrameSocket sendText + readMessage, default and readSpin: totals only (its
 *           internals have no stamps); framewire's own cost is its total minus the twin's
 *
 * Medians over the round trips after a warm-up; the stages' medians need not add up to the
 * total's median. Run on a quiet machine:
 *
 *   java -cp jmh/target/benchmarks.jar dev.framewire.jmh.RoundTripBudgetMain [--trips 20000] [--sizes 16,1024] [--spin-us 200]
 */
public final class RoundTripBudgetMain {

    private RoundTripBudgetMain() {
    }

    public static void main(String[] args) throws Exception {
        int trips = 20_000;
        int[] sizes = {16, 1024};
        long spinNanos = 200_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--trips" -> trips = Integer.parseInt(args[i + 1]);
                case "--sizes" -> sizes = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--spin-us" -> spinNanos = Long.parseLong(args[i + 1]) * 1000;
                default -> throw new IllegalArgumentException("Unknown argument: " + args[i]);
            }
        }
        System.out.printf(Locale.ROOT, "# JDK %s, %d cores, %d round trips per row after %d of warm-up, medians in µs, spin %d µs%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), trips, trips / 4, spinNanos / 1000);
        System.out.println("| size | client | send / write | until the listener runs | hand-off to the reader | total |");
        System.out.println("|---:|---|---:|---:|---:|---:|");
        try (EchoServerProcess server = EchoServerProcess.start()) {
            URI uri = server.uri(EchoServerMain.MESSAGE_PATH);
            // The server's JVM starts cold, and the first row printed was measured against it: one
            // unprinted pass of every client first, so each row meets a warm server.
            for (int size : sizes) {
                String message = Payloads.text(size);
                socket(uri, message, trips);
                twin(uri, message, trips, spinNanos);
                framewire(uri, message, trips, Duration.ofNanos(spinNanos));
            }
            for (int size : sizes) {
                String message = Payloads.text(size);
                row(size, "socket", socket(uri, message, trips));
                row(size, "twin", twin(uri, message, trips, 0));
                row(size, "twin+spin", twin(uri, message, trips, spinNanos));
                row(size, "framewire", framewire(uri, message, trips, Duration.ZERO));
                row(size, "framewire readSpin", framewire(uri, message, trips, Duration.ofNanos(spinNanos)));
            }
        }
        System.exit(0);
    }

    /** Stamps of one configuration: stage durations per round trip, in ns; unused stages stay empty. */
    private record Stages(long[] send, long[] toListener, long[] handOff, long[] total) {
        static Stages of(int n) {
            return new Stages(new long[n], new long[n], new long[n], new long[n]);
        }
    }

    private static void row(int size, String client, Stages s) {
        System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %s | %s |%n", size, client,
                median(s.send()), median(s.toListener()), median(s.handOff()), median(s.total()));
    }

    private static String median(long[] values) {
        if (Arrays.stream(values).allMatch(v -> v == 0)) {
            return "";
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.1f", sorted[sorted.length / 2] / 1e3);
    }

    private static Stages socket(URI uri, String message, int trips) throws Exception {
        RawSocketEcho socket = RawSocketEcho.open(uri);
        try {
            Stages s = Stages.of(trips);
            for (int i = -trips / 4; i < trips; i++) {
                long t0 = System.nanoTime();
                socket.send(message);
                long t1 = System.nanoTime();
                socket.receive();
                long t2 = System.nanoTime();
                if (i >= 0) {
                    s.send()[i] = t1 - t0;
                    s.total()[i] = t2 - t0;
                }
            }
            return s;
        } finally {
            socket.close();
        }
    }

    /** java.net.http wired as framewire wires it, with stamps; see the class comment. */
    private static Stages twin(URI uri, String message, int trips, long spinNanos) throws Exception {
        BlockingQueue<CharSequence> queue = new ArrayBlockingQueue<>(64);
        long[] listenerRan = new long[1]; // written by the selector thread before the offer, read after the take
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket webSocket) {
                webSocket.request(64);
            }

            private final StringBuilder parts = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                // The JDK may hand a message over in several parts: the stamp is the last one's.
                parts.append(data);
                if (last) {
                    listenerRan[0] = System.nanoTime();
                    queue.offer(parts.toString()); // the offer publishes the stamp to the reader
                    parts.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        };
        HttpClient client = HttpClient.newBuilder().executor(Runnable::run).build();
        WebSocket ws = client.newWebSocketBuilder().buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
        try {
            Stages s = Stages.of(trips);
            for (int i = -trips / 4; i < trips; i++) {
                long t0 = System.nanoTime();
                CompletableFuture<WebSocket> sent = ws.sendText(message, true);
                long t1 = System.nanoTime();  // written, or queued for the selector thread to write
                sent.get();                   // framewire's sendText waits for this too
                long t2 = System.nanoTime();
                if (spinNanos > 0) {
                    long until = t1 + spinNanos;
                    while (queue.isEmpty() && System.nanoTime() < until) {
                        Thread.yield();
                    }
                }
                queue.take();
                long t3 = System.nanoTime();
                if (i >= 0) {
                    s.send()[i] = t1 - t0;
                    s.toListener()[i] = listenerRan[0] - t1;
                    s.handOff()[i] = t3 - Math.max(listenerRan[0], t2);
                    s.total()[i] = t3 - t0;
                }
            }
            return s;
        } finally {
            ws.abort();
        }
    }

    private static Stages framewire(URI uri, String message, int trips, Duration spin) throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().readSpin(spin).connect(uri)) {
            Stages s = Stages.of(trips);
            for (int i = -trips / 4; i < trips; i++) {
                long t0 = System.nanoTime();
                ws.sendText(message);
                long t1 = System.nanoTime();
                ws.readMessage();
                long t2 = System.nanoTime();
                if (i >= 0) {
                    s.send()[i] = t1 - t0;
                    s.total()[i] = t2 - t0;
                }
            }
            return s;
        }
    }
}
