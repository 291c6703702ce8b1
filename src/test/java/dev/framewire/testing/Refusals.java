package dev.framewire.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.Frame;
import dev.framewire.FrameSocket;
import dev.framewire.Opcode;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.function.Executable;

/**
 * Assertions for "refused before anything was sent": the exception names the bad value, and on
 * an echo connection the next frame back is a probe sent afterwards, so nothing slipped out.
 */
public final class Refusals {

    private static final AtomicInteger PROBES = new AtomicInteger();

    private Refusals() {
    }

    /** The connection is open, and the next frame the echo server sends is a probe sent now. */
    public static void assertNothingWasSent(FrameSocket ws, Duration wait) throws IOException {
        assertTrue(ws.isOpen(), "still open");
        String probe = "probe " + PROBES.incrementAndGet();
        ws.sendText(probe);
        Frame echo = ws.readFrame(wait);
        assertEquals(Opcode.TEXT, echo.opcode(), () -> "expected the probe's echo first, got " + echo);
        assertTrue(echo.isFinal());
        assertEquals(probe, echo.text());
    }

    /** {@code call} throws {@code type} with a message that mentions {@code mentioned}. */
    public static <T extends Throwable> T assertRefused(Class<T> type, String mentioned, Executable call) {
        T e = assertThrows(type, call);
        assertTrue(e.getMessage() != null && e.getMessage().contains(mentioned),
                () -> "message should mention \"" + mentioned + "\": " + e.getMessage());
        return e;
    }
}
