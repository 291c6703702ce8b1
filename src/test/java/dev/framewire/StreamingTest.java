package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.EchoServerExtension;
import dev.framewire.testing.TestThreads;
import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.WireFrame;

import java.io.ByteArrayOutputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.Writer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/streaming.md, the sending side: what a refused or interrupted call of a send stream leaves
 * behind, against real peers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final EchoServerExtension echo = new EchoServerExtension();

    private static byte[] pattern(int length) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (i * 31 + (i >> 10));
        }
        return data;
    }

    @Test
    void aWriterWhoseCloseWasRefusedForADanglingHighSurrogateCanBeFinishedAndTheConnectionGoesOn() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(echo.uri())) {
            Writer writer = ws.sendWriter();
            writer.write("smile ");
            writer.flush();
            writer.write("\uD83D");
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, writer::close);
            assertTrue(refused.getMessage().contains("the writer stays open"), refused.getMessage());
            assertThrows(IllegalStateException.class, () -> ws.sendText("not yet"), "the message is still open");
            writer.write("\uDE00");
            writer.close();
            assertEquals("smile \uD83D\uDE00", ws.readMessage().text());
            ws.sendText("after");
            assertEquals("after", ws.readMessage().text());
        }
    }

    /**
     * An interrupted write of 32 MiB to a peer that reads slowly: {@code bytesTransferred} says how
     * much of the array the stream took, which is at least what the peer had received; writing
     * the rest from there gives the peer exactly the array, nothing lost and nothing twice.
     */
    @Test
    void anInterruptedWriteSaysHowMuchOfTheArrayTheStreamTookAndTheMessageCanBeFinishedFromThere() throws Exception {
        byte[] data = pattern(32 << 20);
        AtomicLong peerHas = new AtomicLong();
        AtomicReference<byte[]> peerGot = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            ByteArrayOutputStream message = new ByteArrayOutputStream(data.length);
            ClientFrame frame;
            do {
                frame = c.readFrame(WAIT);
                message.writeBytes(frame.payload());
                peerHas.addAndGet(frame.payload().length);
                Thread.sleep(2); // a slow reader: the client's sends wait for TCP
            } while (!frame.fin());
            peerGot.set(message.toByteArray());
            ClientFrame close = c.readUntil(WireFrame.CLOSE, WAIT);
            c.sendClose(close.closeCode(), "");
        })) {
            FrameSocket ws = FrameSocket.newBuilder().connect(server.uri());
            OutputStream out = ws.sendStream();
            TestThreads.Running writer = TestThreads.failureOf(() -> out.write(data));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (peerHas.get() < (6 << 20)) {
                assertTrue(System.nanoTime() < deadline, "the peer never received 6 MiB");
                Thread.sleep(1);
            }
            long receivedBeforeTheInterrupt = peerHas.get();
            writer.thread().interrupt();
            InterruptedIOException e = assertInstanceOf(InterruptedIOException.class,
                    writer.failure().get(WAIT.toSeconds(), TimeUnit.SECONDS), "the write was interrupted");
            int taken = e.bytesTransferred;
            System.out.println("interrupted write: " + e.getMessage() + "; peer had " + receivedBeforeTheInterrupt
                    + " bytes, the stream took " + taken);
            assertTrue(taken >= receivedBeforeTheInterrupt, "bytesTransferred " + taken + " is less than the "
                    + receivedBeforeTheInterrupt + " bytes the peer had already received");
            assertTrue(taken < data.length, "the write did not finish: " + taken);

            out.write(data, taken, data.length - taken); // this thread was never interrupted
            out.close();
            ws.close();
            server.awaitScripts(WAIT);
            byte[] got = peerGot.get();
            assertEquals(data.length, got.length, "the peer's message length");
            assertArrayEquals(data, got, "the peer got exactly the array");
        }
    }
}
