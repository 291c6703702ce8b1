package dev.framewire;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one connection has done so far, as {@link FrameSocket#stats()} saw it at one moment: an
 * immutable snapshot, taken without a lock, so the counts are each exact but not taken at one
 * instant together (a message that arrives while the snapshot is taken may be in
 * {@code framesReceived} and not yet in {@code messagesReceived}). Counting never stops: the
 * counts of a connection that has ended stay as they were at its end.
 *
 * <p>What is counted, and when:
 * <ul>
 *   <li><b>Sent</b> data is counted when framewire hands a frame to the JDK: one frame per
 *       {@code sendFrame}, {@code sendText} or {@code sendBinary} call and per frame a send
 *       stream sends; a message when its final frame is handed over. A send that fails after
 *       that (the connection dropped) was still counted. Pings, Pongs and the Close are not
 *       data. The JDK cuts a text frame of more than 16 KiB into several wire frames
 *       ({@code docs/limits.md}); they count as the one frame framewire sent.</li>
 *   <li><b>Received</b> data is counted when it arrives from the JDK, before anything reads it:
 *       one frame per part as {@link FrameSocket#readFrame()} returns it (a wire frame larger
 *       than the JDK's 16 KiB read buffer arrives as several parts, {@code docs/reading.md}), a
 *       message at its final part. Data that arrives while framewire discards it (during
 *       {@code close()}, after a message too large) is counted too: it arrived.</li>
 *   <li><b>Bytes</b> are payload bytes of data messages: for binary, the bytes; for text, the
 *       length in UTF-8, which is what travelled on the wire. The JDK hands text over as
 *       UTF-16 chars, so framewire counts their UTF-8 length in one pass over the chars, on the
 *       thread that receives them (or the sender's), at a cost of about the copy it makes of
 *       them anyway (some 10 µs per 64 Ki chars on the benchmark machine;
 *       {@code docs/benchmarks.md}). Framing (headers, masks) is not counted.</li>
 * </ul>
 *
 * @param openedAt         when the opening handshake completed
 * @param messagesSent     whole data messages sent (their final frame handed to the JDK)
 * @param messagesReceived whole data messages received (their final part arrived)
 * @param framesSent       data frames sent: one per send call or send-stream frame
 * @param framesReceived   data parts received, as {@code readFrame} sees them
 * @param bytesSent        payload bytes of the data frames sent (text in UTF-8)
 * @param bytesReceived    payload bytes of the data parts received (text in UTF-8)
 * @param pingsSent        Pings sent: {@code sendPing}, {@code ping(Duration)} and the keepalive's
 * @param pongsReceived    Pongs received, whether consumed or delivered
 * @param lastRoundTrip    the round trip of the latest of framewire's Pings ({@code ping(Duration)}
 *                         or the keepalive's) to be answered; empty until one is
 * @param queuedParts      received parts waiting to be read now (a control frame that
 *                         {@code readFrame} would return, such as the peer's Close, counts as one)
 * @param queuedPartsPeak  the most received parts ever waiting at once
 *                         (at most {@link FrameSocket.Builder#maxQueuedParts(int) maxQueuedParts});
 *                         a part that a blocked reader takes the moment it arrives may never count
 *                         as waiting
 * @param sendWaited       the total time sends blocked: for the send slot (another thread's send),
 *                         for another thread's unfinished message, or for the JDK to write (TCP
 *                         back-pressure from a peer that reads slowly); a send that did not block
 *                         adds nothing
 * @param readTimeouts     reads that threw {@link ReadTimeoutException}, polls with
 *                         {@link Duration#ZERO} that found nothing included
 */
public record ConnectionStats(Instant openedAt,
                              long messagesSent, long messagesReceived,
                              long framesSent, long framesReceived,
                              long bytesSent, long bytesReceived,
                              long pingsSent, long pongsReceived, Optional<Duration> lastRoundTrip,
                              int queuedParts, int queuedPartsPeak,
                              Duration sendWaited,
                              long readTimeouts) {

    /**
     * Creates a snapshot; {@link FrameSocket#stats()} makes them, tests of yours may too.
     *
     * @param openedAt         when the opening handshake completed
     * @param messagesSent     whole data messages sent
     * @param messagesReceived whole data messages received
     * @param framesSent       data frames sent
     * @param framesReceived   data parts received
     * @param bytesSent        payload bytes sent
     * @param bytesReceived    payload bytes received
     * @param pingsSent        Pings sent
     * @param pongsReceived    Pongs received
     * @param lastRoundTrip    the latest answered Ping's round trip, or empty
     * @param queuedParts      received parts waiting now
     * @param queuedPartsPeak  the most received parts ever waiting at once
     * @param sendWaited       the total time sends blocked
     * @param readTimeouts     reads that timed out
     * @throws NullPointerException if {@code openedAt}, {@code lastRoundTrip} or {@code sendWaited}
     *                              is {@code null}
     */
    public ConnectionStats {
        Objects.requireNonNull(openedAt, "openedAt");
        Objects.requireNonNull(lastRoundTrip, "lastRoundTrip");
        Objects.requireNonNull(sendWaited, "sendWaited");
    }
}
