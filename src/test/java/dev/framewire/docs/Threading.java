package dev.framewire.docs;

import dev.framewire.FrameSocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The code of docs/threading.md. */
final class Threading {

    private Threading() {
    }

    static int manySenders(URI uri) throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(Duration.ofSeconds(10)).connect(uri)) {
            // tag::many-senders[]
            ExecutorService senders = Executors.newFixedThreadPool(4);
            List<Future<?>> sent = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                sent.add(senders.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        try {
                            ws.sendText("thread " + thread + " message " + i);  // serialized inside
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                }));
            }
            int received = 0;
            while (received < 400) {           // one reader thread takes everything in arrival order
                ws.readMessage();
                received++;
            }
            for (Future<?> f : sent) {
                f.get();
            }
            senders.shutdown();
            // end::many-senders[]
            return received;
        }
    }

    static boolean interruptAReader(URI uri) throws Exception {
        try (FrameSocket ws = FrameSocket.connect(uri)) {
            // tag::interrupt[]
            Thread reader = new Thread(() -> {
                try {
                    ws.readFrame();                              // blocks: nothing is coming
                } catch (java.io.InterruptedIOException e) {
                    System.out.println("woken: " + e.getMessage() + ", interrupted=" + Thread.currentThread().isInterrupted());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            reader.start();
            reader.interrupt();                                  // wakes the read; the socket stays open
            reader.join();
            // end::interrupt[]
            return ws.isOpen();
        }
    }
}
