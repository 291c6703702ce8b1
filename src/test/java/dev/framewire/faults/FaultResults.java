package dev.framewire.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Records one line per fault case: printed (it shows in the test's output) and appended to
 * {@code target/faults-JDK.tsv} (fault, setting, outcome, detection time in ms, JDK), from which
 * the table in docs/reliability.md is built.
 */
final class FaultResults {

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Path FILE = Path.of("target", "faults-" + Runtime.version().feature() + ".tsv");

    private FaultResults() {
    }

    /**
     * @param fault     what was done to the network or the server
     * @param setting   the client's settings and the case
     * @param outcome   what framewire did
     * @param detection how long after the fault the outcome came, or {@code null} if not a detection
     */
    static void record(String fault, String setting, String outcome, Duration detection) {
        String ms = detection == null ? "-" : Long.toString(detection.toMillis());
        String line = String.join("\t", fault, setting, outcome, ms, Runtime.version().toString());
        System.out.println("FAULT RESULT\t" + line);
        LOCK.lock();
        try {
            Files.createDirectories(FILE.getParent());
            if (!Files.exists(FILE)) {
                Files.writeString(FILE, "fault\tsetting\toutcome\tdetection_ms\tjdk\n", StandardCharsets.UTF_8);
            }
            Files.writeString(FILE, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            LOCK.unlock();
        }
    }

    /** Milliseconds since {@code startNanos} (a {@link System#nanoTime} reading). */
    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
