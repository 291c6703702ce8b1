package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testing.TestThreads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What docs/threading.md promises of sends from many threads, end to end through the Jetty echo
 * server: the frames of one thread's fragmented message are never mixed with another thread's.
 * Before framewire serialized sends per message, two threads that each sent a first frame, waited
 * and sent their last one got back {@code "A-part1 B-part1 B-part2"} and {@code "A-part2"} in every
 * round.
 */
@Timeout(60)
class ThreadingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int ROUNDS = 20;

    @RegisterExtension
    static final EchoServerExtension server = new EchoServerExtension();

    @Test
    void twoThreadsFragmentedMessagesArriveEachWhole() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(server.uri())) {
            for (int round = 0; round < ROUNDS; round++) {
                List<CompletableFuture<Void>> senders = new ArrayList<>();
                for (String me : List.of("A", "B")) {
                    senders.add(TestThreads.supply(() -> {
                        try {
                            ws.sendFrame(me + "-part1 ", false);
                            ws.sendPing(me);                      // a control frame between fragments is fine
                            Thread.sleep(30);
                            ws.sendFrame(me + "-part2", true);
                            return null;
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
                List<String> received = List.of(ws.readMessage().text(), ws.readMessage().text());
                for (CompletableFuture<Void> sender : senders) {
                    sender.get(10, TimeUnit.SECONDS);
                }
                assertEquals(List.of("A-part1 A-part2", "B-part1 B-part2"), received.stream().sorted().toList(),
                        "round " + round);
            }
        }
    }
}
