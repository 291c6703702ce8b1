package dev.framewire;

import dev.framewire.internal.Checks;
import dev.framewire.internal.connection.Connection;
import dev.framewire.internal.connection.Settings;
import dev.framewire.internal.handshake.HeaderRules;
import dev.framewire.internal.receive.ReadResults;
import dev.framewire.internal.send.CloseCodes;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A WebSocket connection driven by plain blocking calls, one frame at a time.
 *
 * <pre>{@code
 * try (FrameSocket ws = FrameSocket.connect(URI.create("ws://localhost:8080/echo"))) {
 *     ws.sendFrame("This is the 1st frame\r\n", false);
 *     ws.sendPing("This is a ping");
 *     ws.sendFrame("This is the 2nd frame\r\n", false);
 *     ws.sendFrame("This is the 3rd and final frame\r\n", true);
 *     Frame frame;
 *     do {
 *         frame = ws.readFrame();             // the Pong is consumed for you
 *     } while (!frame.isFinal());
 *     ws.sendClose(1000, "Closing this websocket.");
 *     Frame close = ws.readFrame();           // the peer's CLOSE
 *     System.out.println(ws.closeStatus().orElseThrow().code());
 * }
 * }</pre>
 *
 * <h2>Sending</h2>
 * Every send blocks until the JDK has written the frame (or until the
 * {@linkplain Builder#sendTimeout(Duration) send timeout}). Sends may come from many threads:
 * framewire serializes them per message, so the JDK's "Send pending" never reaches a caller and
 * the frames of a fragmented message are never mixed with another thread's: the message belongs
 * to the thread that sent its first frame until its final frame, and other threads' data sends
 * wait for it (within the send timeout). A {@code ByteBuffer} of any kind and byte order is sent
 * as its bytes; a send that returns normally leaves its position at its limit. The first
 * {@code sendFrame} of a message decides its type and the following ones are continuations;
 * mixing types inside an unfinished message is an {@link IllegalStateException}. Ping, Pong and
 * Close may be sent at any time, also between the frames of a message. Every argument is checked
 * before anything is sent.
 *
 * <h2>Reading</h2>
 * {@link #readFrame()} returns the next received part; {@link #readMessage()} returns the next
 * whole message. Received parts wait in a bounded queue: when the reader falls behind, framewire
 * stops reading from the socket and TCP slows the peer down. Pongs are consumed unless
 * {@link Builder#pongAutoConsume(boolean)} says otherwise; Pings are answered by the JDK and not
 * delivered unless {@link Builder#deliverPings(boolean)} asks for them.
 *
 * <h2>Streams</h2>
 * A message of any size can be sent with {@link #sendStream()} or {@link #sendWriter()} and read
 * with {@link #readMessageStream()}, part by part, in memory bounded by the receive queue and
 * one send buffer. While a send stream is open, other data sends throw
 * {@link IllegalStateException}; while a {@link MessageStream} is unfinished, other reads do.
 *
 * <h2>Closing</h2>
 * When the peer's Close arrives, its status is recorded ({@link #closeStatus()}), the JDK answers
 * it with the same code, and {@code readFrame} returns it once as a {@link Opcode#CLOSE} frame;
 * after that every read throws {@link ConnectionClosedException}. A connection that ends without
 * a Close reads as status 1006. Frames that arrived before the end are always returned first.
 * Once the connection has ended, or a Close was sent, sends throw
 * {@link ConnectionClosedException}, whose {@link ConnectionClosedException#initiatedLocally()}
 * tells whether this side started the end. {@link #close()} runs the closing handshake with a bounded
 * wait; it may be called any number of times.
 *
 * <h2>Threads</h2>
 * All methods are thread-safe. Blocking waits use {@code java.util.concurrent} and are
 * interruptible, so virtual threads do not pin: an interrupted read or send throws
 * {@link InterruptedIOException} and keeps the thread's interrupt status; the connection stays
 * usable (an interrupted send goes on in the background).
 *
 * <p>An interrupted send says in {@link InterruptedIOException#bytesTransferred} what became of
 * it. For a frame or a whole message: 0 if the interrupt came while it waited for an earlier send
 * or another thread's message, so the JDK never had it and nothing of it goes out (send it again);
 * otherwise its whole payload (bytes; chars for text; for a Close its code and reason), which the
 * JDK goes on writing in the background (do not send it again). For a send stream's
 * {@code write}, see {@link #sendStream()}.
 */
public final class FrameSocket implements AutoCloseable {

    private final Connection<Frame, Message> connection;

    private FrameSocket(Connection<Frame, Message> connection) {
        this.connection = connection;
    }

    /** Opens a connection with {@code settings}: for the builder and the {@link Reconnector}. */
    static FrameSocket open(Settings settings, URI uri) throws IOException {
        return new FrameSocket(Connection.open(settings, uri, Wrap.INSTANCE));
    }

    /**
     * Opens a connection with the default settings: a 10 second connect timeout, no read
     * timeout, Pongs consumed, Pings not delivered, a 16 MiB message limit, and one
     * {@code HttpClient} shared by every socket made this way.
     *
     * <p>Blocks until the opening handshake completes.
     *
     * @param uri a {@code ws://} or {@code wss://} URI
     * @return the open connection
     * @throws IllegalArgumentException if {@code uri} is not an absolute ws or wss URI with a host
     *                                  and without a fragment
     * @throws NullPointerException     if {@code uri} is {@code null}
     * @throws HandshakeException       if the server answered but refused the upgrade
     * @throws WebSocketException       if no connection could be made (refused, timeout, TLS)
     * @throws InterruptedIOException   if the thread was interrupted while waiting
     * @throws IOException              for any other I/O failure
     */
    public static FrameSocket connect(URI uri) throws IOException {
        return open(Settings.DEFAULTS, uri);
    }

    /** {@return a builder for a connection with non-default settings} */
    public static Builder newBuilder() {
        return new Builder();
    }

    // ---------------------------------------------------------------------------------- sending

    /**
     * Sends a text frame: the first frame of a text message, or the next frame of the unfinished
     * text message. Blocks until the frame is written.
     *
     * <p>The message belongs to the calling thread until its final frame: another thread's data
     * send waits meanwhile (within the send timeout), so the frames of two threads' messages are
     * never mixed on the wire. Send all the frames of a message from the thread that started it.
     *
     * <p>A high surrogate at the very end of a non-final frame is held back and sent with the
     * next frame, which must then start with the matching low surrogate. Text longer than 16 KiB
     * in UTF-8 is cut by the JDK into several wire frames of the same message.
     *
     * @param text the text of this frame
     * @param fin  {@code true} if this is the last frame of the message
     * @throws IllegalStateException      if a binary message or a send stream is unfinished
     * @throws IllegalArgumentException   if {@code text} holds an unpaired surrogate
     * @throws NullPointerException       if {@code text} is {@code null}
     * @throws ConnectionClosedException  if the connection has ended or a Close was sent
     * @throws SendTimeoutException       if the send timeout ran out (the connection is aborted)
     * @throws InterruptedIOException     if interrupted ({@code bytesTransferred}: see the class comment)
     * @throws IOException                if the send failed otherwise
     */
    public void sendFrame(CharSequence text, boolean fin) throws IOException {
        connection.sender().sendText(Checks.requireNonNull(text, "text"), fin, false);
    }

    /**
     * Sends a binary frame: the first frame of a binary message, or the next frame of the
     * unfinished binary message. The buffer's remaining bytes are sent, whatever its byte order;
     * when this method returns normally its position is at its limit, and when it throws the
     * position is unchanged. Blocks until the frame is written.
     *
     * <p>The message belongs to the calling thread until its final frame: another thread's data
     * send waits meanwhile, so the frames of two threads' messages are never mixed.
     *
     * @param data the payload of this frame
     * @param fin  {@code true} if this is the last frame of the message
     * @throws IllegalStateException     if a text message or a send stream is unfinished
     * @throws NullPointerException      if {@code data} is {@code null}
     * @throws ConnectionClosedException if the connection has ended or a Close was sent
     * @throws SendTimeoutException      if the send timeout ran out (the connection is aborted)
     * @throws InterruptedIOException    if interrupted ({@code bytesTransferred}: see the class comment)
     * @throws IOException               if the send failed otherwise
     */
    public void sendFrame(ByteBuffer data, boolean fin) throws IOException {
        connection.sender().sendBinary(Checks.requireNonNull(data, "data"), fin, false);
    }

    /**
     * Sends a binary frame, as {@link #sendFrame(ByteBuffer, boolean)}; the array is not copied and
     * must not change until this method returns.
     *
     * @param data the payload of this frame
     * @param fin  {@code true} if this is the last frame of the message
     * @throws IllegalStateException     if a text message or a send stream is unfinished
     * @throws NullPointerException      if {@code data} is {@code null}
     * @throws ConnectionClosedException if the connection has ended or a Close was sent
     * @throws SendTimeoutException      if the send timeout ran out (the connection is aborted)
     * @throws InterruptedIOException    if interrupted ({@code bytesTransferred}: see the class comment)
     * @throws IOException               if the send failed otherwise
     */
    public void sendFrame(byte[] data, boolean fin) throws IOException {
        connection.sender().sendBinary(ByteBuffer.wrap(Checks.requireNonNull(data, "data")), fin, false);
    }

    /**
     * Sends a whole text message. Blocks until it is written.
     *
     * @param message the text
     * @throws IllegalStateException     if a message sent with {@code sendFrame}, or a send stream, is unfinished
     * @throws IllegalArgumentException  if {@code message} holds an unpaired surrogate
     * @throws NullPointerException      if {@code message} is {@code null}
     * @throws ConnectionClosedException if the connection has ended or a Close was sent
     * @throws SendTimeoutException      if the send timeout ran out (the connection is aborted)
     * @throws InterruptedIOException    if interrupted ({@code bytesTransferred}: see the class comment)
     * @throws IOException               if the send failed otherwise
     */
    public void sendText(CharSequence message) throws IOException {
        connection.sender().sendText(Checks.requireNonNull(message, "message"), true, true);
    }

    /**
     * Sends a whole binary message: the buffer's remaining bytes, whatever its kind and byte
     * order. When this method returns normally the position is at the limit; when it throws, the
     * position is unchanged. Blocks until it is written.
     *
     * @param message the payload
     * @throws IllegalStateException     if a message sent with {@code sendFrame}, or a send stream, is unfinished
     * @throws NullPointerException      if {@code message} is {@code null}
     * @throws ConnectionClosedException if the connection has ended or a Close was sent
     * @throws SendTimeoutException      if the send timeout ran out (the connection is aborted)
     * @throws InterruptedIOException    if interrupted ({@code bytesTransferred}: see the class comment)
     * @throws IOException               if the send failed otherwise
     */
    public void sendBinary(ByteBuffer message) throws IOException {
        connection.sender().sendBinary(Checks.requireNonNull(message, "message"), true, true);
    }

    /**
     * Sends a whole binary message, as {@link #sendBinary(ByteBuffer)}; the array is not copied
     * and must not change until this method returns.
     *
     * @param message the payload
     * @throws IllegalStateException     if a message sent with {@code sendFrame}, or a send stream, is unfinished
     * @throws NullPointerException      if {@code message} is {@code null}
     * @throws ConnectionClosedException if the connection has ended or a Close was sent
     * @throws SendTimeoutException      if the send timeout ran out (the connection is aborted)
     * @throws InterruptedIOException    if interrupted while waiting (the send goes on)
     * @throws IOException               if the send failed otherwise
     */
    public void sendBinary(byte[] message) throws IOException {
        connection.sender().sendBinary(ByteBuffer.wrap(Checks.requireNonNull(message, "message")), true, true);
    }

    /**
     * Starts a binary message to be written as a stream, for a message of any size in bounded
     * memory. Sends nothing itself; it blocks only while another thread's data send is in
     * progress (up to the send timeout). Writes are buffered; a full buffer (64 KiB) or {@link OutputStream#flush()} with
     * something buffered sends a non-final frame, and {@link OutputStream#close()} sends the final
     * frame (empty if nothing is buffered) and may be called again. Each send blocks as
     * {@link #sendFrame(ByteBuffer, boolean)} does, honours the send timeout and throws what it
     * throws. Until the stream is closed, other data sends throw {@link IllegalStateException}
     * naming the open stream; Ping, Pong and Close may be sent meanwhile.
     *
     * <p>A refused or interrupted call leaves nothing stuck. A frame the JDK never had (the call was
     * refused, or interrupted or timed out while waiting for an earlier send) changes nothing: the
     * stream keeps every byte it took and stays open, so the same call can be made again, a
     * {@code close()} included. A frame the JDK had goes out whatever happens to the call. So an
     * {@link InterruptedIOException} from {@code write(b, off, len)} carries in
     * {@code bytesTransferred} how many bytes of that call the stream took: those in frames the
     * JDK has written, those of the frame it was writing when the interrupt came (it finishes it in
     * the background), and those left in the buffer for the next frame. The other
     * {@code len - bytesTransferred} bytes were not taken: write them to go on with the message.
     * For {@code flush()} and {@code close()} it is 0; call them again (a {@code close()} whose
     * final frame went out does nothing the second time). The message cannot be abandoned while
     * the connection lives (its first frames may be on the wire, and the peer waits for the final
     * one): finish it, or end the connection with {@link #close()} or {@link #abort()}.
     *
     * @return the stream of the message; close it to finish the message
     * @throws IllegalStateException     if a message or another send stream is unfinished
     * @throws ConnectionClosedException if the connection has ended or a Close was sent
     * @throws SendTimeoutException      if an earlier send held the connection past the send timeout
     * @throws InterruptedIOException    if interrupted while waiting for an earlier send
     * @throws IOException               if the connection failed otherwise
     */
    public OutputStream sendStream() throws IOException {
        return connection.sendStream();
    }

    /**
     * Starts a text message to be written as a stream, as {@link #sendStream()} does for binary
     * (and blocking as it does).
     * A full buffer (16 Ki chars) or {@link Writer#flush()} sends a non-final frame,
     * {@link Writer#close()} the final one. A surrogate pair is never split across frames: a
     * high surrogate at the end of a frame is held back and sent with the next one.
     *
     * <p>Each write is checked before the writer takes any of it: one with an unpaired surrogate
     * (or that does not start with the low surrogate of a high one the previous write ended with)
     * throws {@link IllegalArgumentException} and takes nothing. {@code close()} on text that ends
     * with a high surrogate throws {@link IllegalArgumentException} and sends nothing; the writer
     * stays open, so the message can still be finished: write the low surrogate (or whatever the
     * text lacks) and {@code close()} again. It cannot be abandoned while the connection lives;
     * end the connection if it cannot be finished. Interrupts and other refusals are as for
     * {@link #sendStream()}, with {@code bytesTransferred} counting chars.
     *
     * @return the writer of the message; close it to finish the message
     * @throws IllegalStateException     if a message or another send stream is unfinished
     * @throws ConnectionClosedException if the connection has ended or a Close was sent
     * @throws SendTimeoutException      if an earlier send held the connection past the send timeout
     * @throws InterruptedIOException    if interrupted while waiting for an earlier send
     * @throws IOException               if the connection failed otherwise
     */
    public Writer sendWriter() throws IOException {
        return connection.sendWriter();
    }

    /**
     * Sends a Ping whose payload is the UTF-8 encoding of {@code payload}. The peer's Pong is
     * consumed unless {@link Builder#pongAutoConsume(boolean)} is off. Blocks until written.
     *
     * @param payload at most 125 bytes in UTF-8
     * @throws IllegalArgumentException  if the payload is longer than 125 bytes or holds an
     *                                   unpaired surrogate
     * @throws NullPointerException      if {@code payload} is {@code null}
     * @throws ConnectionClosedException if the connection has ended or a Close was sent
     * @throws IOException               if the send failed otherwise (see {@link #sendFrame(CharSequence, boolean)})
     */
    public void sendPing(CharSequence payload) throws IOException {
        connection.sender().sendPing(Checks.controlPayload(payload, "Ping"));
    }

    /**
     * Sends a Ping with the buffer's remaining bytes as payload. Blocks until written.
     *
     * @param payload at most 125 bytes
     * @throws IllegalArgumentException  if more than 125 bytes remain
     * @throws NullPointerException      if {@code payload} is {@code null}
     * @throws ConnectionClosedException if the connection has ended or a Close was sent
     * @throws IOException               if the send failed otherwise (see {@link #sendFrame(CharSequence, boolean)})
     */
    public void sendPing(ByteBuffer payload) throws IOException {
        connection.sender().sendPing(Checks.controlPayload(payload, "Ping"));
    }

    /**
     * Sends a Ping with {@code payload} as its payload, as {@link #sendPing(ByteBuffer)}.
     *
     * @param payload at most 125 bytes; not copied, so do not change it until this method returns
     * @throws IllegalArgumentException  if it is longer than 125 bytes
     * @throws NullPointerException      if {@code payload} is {@code null}
     * @throws ConnectionClosedException if the connection has ended or a Close was sent
     * @throws IOException               if the send failed otherwise (see {@link #sendFrame(CharSequence, boolean)})
     */
    public void sendPing(byte[] payload) throws IOException {
        connection.sender().sendPing(Checks.controlPayload(ByteBuffer.wrap(Checks.requireNonNull(payload, "payload")), "Ping"));
    }

    /**
     * Sends an unsolicited Pong whose payload is the UTF-8 encoding of {@code payload}, as
     * {@link #sendPong(ByteBuffer)}.
     *
     * @param payload at most 125 bytes in UTF-8
     * @throws IllegalArgumentException  if the payload is longer than 125 bytes or holds an
     *                                   unpaired surrogate
     * @throws NullPointerException      if {@code payload} is {@code null}
     * @throws ConnectionClosedException if the connection has ended or a Close was sent
     * @throws IOException               if the send failed otherwise (see {@link #sendFrame(CharSequence, boolean)})
     */
    public void sendPong(CharSequence payload) throws IOException {
        connection.sender().sendPong(Checks.controlPayload(payload, "Pong"));
    }

    /**
     * Sends an unsolicited Pong with {@code payload} as its payload, as {@link #sendPong(ByteBuffer)}.
     *
     * @param payload at most 125 bytes; not copied, so do not change it until this method returns
     * @throws IllegalArgumentException  if it is longer than 125 bytes
     * @throws NullPointerException      if {@code payload} is {@code null}
     * @throws ConnectionClosedException if the connection has ended or a Close was sent
     * @throws IOException               if the send failed otherwise (see {@link #sendFrame(CharSequence, boolean)})
     */
    public void sendPong(byte[] payload) throws IOException {
        connection.sender().sendPong(Checks.controlPayload(ByteBuffer.wrap(Checks.requireNonNull(payload, "payload")), "Pong"));
    }

    /**
     * Sends an unsolicited Pong (a one-way heartbeat) with the buffer's remaining bytes as
     * payload. Pings need no answer from you: the JDK answers them. Blocks until written.
     *
     * @param payload at most 125 bytes
     * @throws IllegalArgumentException  if more than 125 bytes remain
     * @throws NullPointerException      if {@code payload} is {@code null}
     * @throws ConnectionClosedException if the connection has ended or a Close was sent
     * @throws IOException               if the send failed otherwise (see {@link #sendFrame(CharSequence, boolean)})
     */
    public void sendPong(ByteBuffer payload) throws IOException {
        connection.sender().sendPong(Checks.controlPayload(payload, "Pong"));
    }

    /**
     * Measures the round trip of one Ping: sends a Ping with a payload of framewire's own and
     * blocks until its Pong arrives. That Pong is consumed whatever
     * {@link Builder#pongAutoConsume(boolean)} says. Pongs are seen only while the receive queue
     * has room: while it is full (the reader has not kept up), the Pong waits behind the unread
     * messages until a reader takes them, so a full queue delays it and can make this time out.
     *
     * @param timeout how long to wait for the Pong
     * @return the time from handing the Ping to the JDK until its Pong arrived
     * @throws IllegalArgumentException  if {@code timeout} is zero or negative
     * @throws NullPointerException      if {@code timeout} is {@code null}
     * @throws ReadTimeoutException      if no Pong arrived in time (the connection stays open)
     * @throws ConnectionClosedException if the connection ended before the Pong arrived
     * @throws InterruptedIOException    if interrupted while waiting; its {@code bytesTransferred} is
     *                                   the Ping's payload length once the JDK had the Ping, else 0
     * @throws IOException               if sending the Ping failed otherwise
     */
    public Duration ping(Duration timeout) throws IOException {
        return connection.ping(Checks.requirePositive(timeout, "timeout"));
    }

    /**
     * Starts the closing handshake: sends a Close and blocks until it is written. Keep reading
     * to receive the peer's answering Close, which {@link #readFrame()} returns as a
     * {@link Opcode#CLOSE} frame; or call {@link #close()}, which waits for it.
     *
     * @param code   1000, 1001, 1008, 1011 or an application code from 3000 to 4999 (the JDK
     *               lets a client send no other)
     * @param reason at most 123 bytes in UTF-8; may be empty
     * @throws IllegalArgumentException  if the code may not be sent, or the reason is too long or
     *                                   holds an unpaired surrogate
     * @throws NullPointerException      if {@code reason} is {@code null}
     * @throws ConnectionClosedException if the connection has ended or a Close was already sent
     * @throws IOException               if the send failed otherwise (see {@link #sendFrame(CharSequence, boolean)})
     */
    public void sendClose(int code, String reason) throws IOException {
        CloseCodes.requireSendable(code, reason);
        connection.sender().sendClose(code, reason);
    }

    // ---------------------------------------------------------------------------------- reading

    /**
     * Returns the next received frame, waiting up to the
     * {@linkplain Builder#readTimeout(Duration) read timeout} (without limit if none is set).
     *
     * @return the next part of a message, or a control frame: the peer's CLOSE once, PINGs if
     * {@linkplain Builder#deliverPings(boolean) asked for}, PONGs unless
     * {@linkplain Builder#pongAutoConsume(boolean) consumed}
     * @throws IllegalStateException     if a {@link MessageStream} is unfinished
     * @throws ReadTimeoutException      if nothing arrived in time (the connection stays usable)
     * @throws ConnectionClosedException if the connection has ended and every frame that came
     *                                   before the end has been read
     * @throws InterruptedIOException    if interrupted while waiting (nothing is lost)
     */
    public Frame readFrame() throws IOException {
        return connection.reader().readFrame(null);
    }

    /**
     * Returns the next received frame, waiting at most {@code timeout}. With
     * {@link Duration#ZERO} it is a poll: it returns a frame that has already arrived, or throws
     * {@link ReadTimeoutException} at once.
     *
     * @param timeout how long to wait; zero to poll
     * @return the next frame, as {@link #readFrame()}
     * @throws IllegalArgumentException  if {@code timeout} is negative
     * @throws NullPointerException      if {@code timeout} is {@code null}
     * @throws IllegalStateException     if a {@link MessageStream} is unfinished
     * @throws ReadTimeoutException      if nothing arrived in time (the connection stays usable)
     * @throws ConnectionClosedException if the connection has ended and every frame that came
     *                                   before the end has been read
     * @throws InterruptedIOException    if interrupted while waiting (nothing is lost)
     */
    public Frame readFrame(Duration timeout) throws IOException {
        return connection.reader().readFrame(Checks.requireNonNegative(timeout, "timeout"));
    }

    /**
     * Returns the next whole message, waiting up to the
     * {@linkplain Builder#readTimeout(Duration) read timeout} for all of it. Control frames are
     * skipped, never returned.
     *
     * @return the data frames of one message, joined
     * @throws MessageTooLargeException  if the message is larger than the
     *                                   {@linkplain Builder#maxMessageSize(int) limit}; the
     *                                   connection is then being closed with 1008
     * @throws IllegalStateException     if a {@link MessageStream} is unfinished
     * @throws ReadTimeoutException      if the message did not arrive in time (parts already read
     *                                   are kept for the next call; the connection stays usable)
     * @throws ConnectionClosedException if the peer closed (its CLOSE ends the read) or the
     *                                   connection ended otherwise
     * @throws InterruptedIOException    if interrupted while waiting (nothing is lost)
     */
    public Message readMessage() throws IOException {
        return connection.reader().readMessage(null);
    }

    /**
     * Returns the next whole message, waiting at most {@code timeout} for all of it. With
     * {@link Duration#ZERO} it is a poll: it returns a message whose parts have all arrived
     * already, or throws {@link ReadTimeoutException} at once (keeping the parts that had come).
     *
     * @param timeout how long to wait; zero to poll
     * @return the data frames of one message, joined
     * @throws IllegalArgumentException  if {@code timeout} is negative
     * @throws NullPointerException      if {@code timeout} is {@code null}
     * @throws MessageTooLargeException  if the message is larger than the limit
     * @throws IllegalStateException     if a {@link MessageStream} is unfinished
     * @throws ReadTimeoutException      if the message did not arrive in time (nothing is lost)
     * @throws ConnectionClosedException if the peer closed or the connection ended otherwise
     * @throws InterruptedIOException    if interrupted while waiting (nothing is lost)
     */
    public Message readMessage(Duration timeout) throws IOException {
        return connection.reader().readMessage(Checks.requireNonNegative(timeout, "timeout"));
    }

    /**
     * Waits up to the {@linkplain Builder#readTimeout(Duration) read timeout} for the first part
     * of the next data message, and returns that message as a stream at once: its bytes arrive as
     * the stream is read ({@link MessageStream}). For messages of any size in bounded memory;
     * {@linkplain Builder#maxMessageSize(int) maxMessageSize} does not apply. Control frames
     * before the first part are handled as {@link #readMessage()} handles them.
     *
     * @return the message, part by part; read it to its end or close it before the next read
     * @throws IllegalStateException     if the previous message stream is unfinished
     * @throws ReadTimeoutException      if no message started in time (the connection stays usable)
     * @throws ConnectionClosedException if the peer closed or the connection ended otherwise
     * @throws InterruptedIOException    if interrupted while waiting (nothing is lost)
     */
    public MessageStream readMessageStream() throws IOException {
        return new MessageStream(connection.reader(), connection.reader().openStream(null));
    }

    /**
     * Waits at most {@code timeout} for the first part of the next data message, and returns the
     * message as a stream at once; later reads of the stream wait up to the read timeout. As
     * {@link #readMessageStream()} otherwise.
     *
     * @param timeout how long to wait for the message to start; zero to poll (a message whose
     *                first part has already arrived, or {@link ReadTimeoutException} at once)
     * @return the message, part by part
     * @throws IllegalArgumentException  if {@code timeout} is negative
     * @throws NullPointerException      if {@code timeout} is {@code null}
     * @throws IllegalStateException     if the previous message stream is unfinished
     * @throws ReadTimeoutException      if no message started in time (the connection stays usable)
     * @throws ConnectionClosedException if the peer closed or the connection ended otherwise
     * @throws InterruptedIOException    if interrupted while waiting (nothing is lost)
     */
    public MessageStream readMessageStream(Duration timeout) throws IOException {
        return new MessageStream(connection.reader(), connection.reader().openStream(Checks.requireNonNegative(timeout, "timeout")));
    }

    // ---------------------------------------------------------------------------------- state

    /**
     * Tells how the peer closed the connection: the code and reason of its Close frame
     * ({@value CloseStatus#NO_STATUS_RECEIVED} if it had no status), or
     * {@value CloseStatus#ABNORMAL_CLOSURE} if the connection ended without one. Never blocks.
     *
     * @return the peer's close status, or empty while the connection has not ended
     */
    public Optional<CloseStatus> closeStatus() {
        return connection.closeStatus();
    }

    /**
     * Tells whether the connection is open in both directions: no Close sent or received, no
     * failure. Frames received before the end may still be waiting to be read. Never blocks.
     *
     * @return {@code true} while the connection is open
     */
    public boolean isOpen() {
        return connection.isOpen();
    }

    /**
     * Tells what this connection has done so far: messages, frames and payload bytes sent and
     * received, Pings sent and Pongs received and the last round trip, received parts waiting now
     * and the most that ever waited, how long sends blocked, and how many reads timed out
     * ({@link ConnectionStats} says exactly what each count counts). Each call returns a new
     * immutable snapshot; after the connection has ended it still answers, with the counts as
     * they were at the end.
     *
     * <p>Never blocks and takes no lock: it may be called from any thread at any time, also while
     * other threads send and read, for example by a metrics registry polling gauges
     * ({@code docs/observing.md}). Counting is always on and per connection; it costs the frame
     * path a few plain stores per frame, and for text one pass over its chars to count their
     * UTF-8 bytes.
     *
     * @return a snapshot of this connection's counts
     */
    public ConnectionStats stats() {
        return connection.stats();
    }

    /** {@return the subprotocol the server chose, or the empty string if none} */
    public String subprotocol() {
        return connection.subprotocol();
    }

    /** {@return the URI this socket connected to, without user-info (credentials are never kept here)} */
    public URI uri() {
        return connection.uri();
    }

    /**
     * Closes the connection and releases it; any further call to {@code close} does nothing.
     *
     * <p>Unless a Close was sent already or the connection has ended, sends Close 1000. Unread
     * frames are discarded. Then waits up to the
     * {@linkplain Builder#closeTimeout(Duration) close timeout} for the peer's Close, and aborts
     * the connection if it does not come. Never throws; if interrupted, it aborts at once and
     * keeps the interrupt status. Later exceptions say which it was: that the peer's Close did not
     * arrive within the close timeout, or that {@code close()} was interrupted while waiting for it.
     */
    @Override
    public void close() {
        connection.close(new CloseStatus(CloseStatus.NORMAL_CLOSURE, ""));
    }

    /**
     * Closes the connection with {@code code} and {@code reason}, as {@link #sendClose} and then
     * {@link #close()} would, in one call: sends the Close (unless one was sent already or the
     * connection has ended), waits up to the {@linkplain Builder#closeTimeout(Duration) close
     * timeout} for the peer's Close, and aborts if it does not come. Once the connection has
     * ended, or {@code close} has run, it does nothing. Never throws for the connection's state.
     *
     * @param code   1000, 1001, 1008, 1011 or an application code from 3000 to 4999
     * @param reason at most 123 bytes in UTF-8; may be empty
     * @throws IllegalArgumentException if the code may not be sent, or the reason is too long or
     *                                  holds an unpaired surrogate (checked before anything is sent)
     * @throws NullPointerException     if {@code reason} is {@code null}
     */
    public void close(int code, String reason) {
        CloseCodes.requireSendable(code, reason);
        connection.close(new CloseStatus(code, reason));
    }

    /**
     * Ends the connection at once, without a closing handshake: the TCP connection is closed,
     * waiting readers and senders are woken with {@link ConnectionClosedException}, and if the
     * peer's Close had not arrived, {@link #closeStatus()} reads 1006. Never blocks.
     */
    public void abort() {
        connection.abort();
    }

    /**
     * Describes the socket by its log tag, URI and state, for example
     * {@code FrameSocket[fw-3f2a9c1e ws://host/echo, open]}.
     *
     * @return the description
     */
    @Override
    public String toString() {
        return "FrameSocket[" + connection.tag() + " " + connection.uri()
                + (isOpen() ? ", open" : ", " + closeStatus().map(String::valueOf).orElse("closing")) + "]";
    }

    /**
     * Wraps what the read engine received in the public {@link Frame} and {@link Message} without
     * copying: the engine hands over arrays and strings no one else holds, and only this package
     * may build the values around them without a defensive copy. Stateless.
     */
    private enum Wrap implements ReadResults<Frame, Message> {
        INSTANCE;

        @Override
        public Frame frame(Opcode opcode, boolean last, String text, byte[] bytes, CloseStatus close) {
            return close != null ? Frame.ofClose(close) : new Frame(opcode, last, text, bytes, null);
        }

        @Override
        public Message textMessage(String text) {
            return new Message(text, null);
        }

        @Override
        public Message binaryMessage(byte[] bytes) {
            return new Message(null, bytes);
        }
    }

    // ---------------------------------------------------------------------------------- builder

    /**
     * Settings for a new {@link FrameSocket}. A builder is not thread-safe; it may be reused to
     * open several connections with the same settings. Every setter checks its argument at
     * once and names the bad value.
     */
    public static final class Builder {

        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        // The defaults are those of Settings.DEFAULTS, so that connect(uri) and a new builder agree.
        private List<String> subprotocols = Settings.DEFAULTS.subprotocols();
        private Duration connectTimeout = Settings.DEFAULTS.connectTimeout();
        private Duration readTimeout = Settings.DEFAULTS.readTimeout();
        private Duration sendTimeout = Settings.DEFAULTS.sendTimeout();
        private Duration closeTimeout = Settings.DEFAULTS.closeTimeout();
        private boolean pongAutoConsume = Settings.DEFAULTS.pongAutoConsume();
        private boolean deliverPings = Settings.DEFAULTS.deliverPings();
        private int maxMessageSize = Settings.DEFAULTS.maxMessageSize();
        private int maxQueuedParts = Settings.DEFAULTS.maxQueuedParts();
        private HttpClient httpClient = Settings.DEFAULTS.httpClient();
        private Duration keepAliveInterval = Settings.DEFAULTS.keepAliveInterval();
        private Duration keepAliveTimeout = Settings.DEFAULTS.keepAliveTimeout();
        private Duration readSpin = Settings.DEFAULTS.readSpin();

        private Builder() {
        }

        /**
         * Adds a header to the opening handshake request; may be called again for more values.
         *
         * @param name  a header name (an HTTP token), not one the WebSocket handshake sets itself
         *              ({@code Connection}, {@code Upgrade}, {@code Host}, {@code Sec-WebSocket-*}, …)
         * @param value the value, without CR, LF or other control characters
         * @return this builder
         * @throws IllegalArgumentException if the name or value is not allowed
         * @throws NullPointerException     if an argument is {@code null}
         */
        public Builder header(String name, String value) {
            headers.add(HeaderRules.header(name, value));
            return this;
        }

        /**
         * Sets the subprotocols to offer, most preferred first; the server picks at most one
         * ({@link FrameSocket#subprotocol()}). Replaces any earlier call.
         *
         * @param subprotocols HTTP tokens, without duplicates
         * @return this builder
         * @throws IllegalArgumentException if one is not a token, or appears twice
         * @throws NullPointerException     if the array or an element is {@code null}
         */
        public Builder subprotocols(String... subprotocols) {
            this.subprotocols = HeaderRules.subprotocols(subprotocols);
            return this;
        }

        /**
         * Sets how long the TCP connect, TLS and the opening handshake may take together.
         * Default: 10 seconds.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         * @throws NullPointerException     if {@code timeout} is {@code null}
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Checks.requirePositive(timeout, "connectTimeout");
            return this;
        }

        /**
         * Sets how long {@link FrameSocket#readFrame()} and {@link FrameSocket#readMessage()} wait
         * when called without a timeout. Default: no limit.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         * @throws NullPointerException     if {@code timeout} is {@code null}
         */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = Checks.requirePositive(timeout, "readTimeout");
            return this;
        }

        /**
         * Sets how long one send may take before the connection is aborted and the send throws
         * {@link SendTimeoutException}. A send is slow when the peer stops reading and TCP's
         * window fills. Default: no limit.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         * @throws NullPointerException     if {@code timeout} is {@code null}
         */
        public Builder sendTimeout(Duration timeout) {
            this.sendTimeout = Checks.requirePositive(timeout, "sendTimeout");
            return this;
        }

        /**
         * Sets how long {@link FrameSocket#close()} waits for the peer's Close before it aborts.
         * Default: 5 seconds.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is zero or negative
         * @throws NullPointerException     if {@code timeout} is {@code null}
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = Checks.requirePositive(timeout, "closeTimeout");
            return this;
        }

        /**
         * Sets whether received Pongs are dropped, so that {@code readFrame} never returns one.
         * Pongs that answer {@link FrameSocket#ping(Duration)} or the keepalive are always
         * consumed. Default: {@code true}.
         *
         * @param consume {@code true} to drop Pongs
         * @return this builder
         */
        public Builder pongAutoConsume(boolean consume) {
            this.pongAutoConsume = consume;
            return this;
        }

        /**
         * Sets whether received Pings are returned by {@code readFrame} (never by
         * {@code readMessage}). Either way the JDK has already answered them with a Pong.
         * Default: {@code false}.
         *
         * @param deliver {@code true} to return Pings
         * @return this builder
         */
        public Builder deliverPings(boolean deliver) {
            this.deliverPings = deliver;
            return this;
        }

        /**
         * Sets the largest message {@link FrameSocket#readMessage()} accepts, in bytes (UTF-8
         * bytes for text). Default: 16 MiB.
         *
         * @param bytes a positive size
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is zero or negative
         */
        public Builder maxMessageSize(int bytes) {
            Checks.requireArgument(bytes > 0, "Expected a positive maxMessageSize: %d", bytes);
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * Sets how many received parts may wait to be read before framewire stops reading from
         * the socket. Memory held per connection is at most about this many times 16 KiB.
         * Default: 64.
         *
         * @param parts a positive count
         * @return this builder
         * @throws IllegalArgumentException if {@code parts} is zero or negative
         */
        public Builder maxQueuedParts(int parts) {
            Checks.requireArgument(parts > 0, "Expected a positive maxQueuedParts: %d", parts);
            this.maxQueuedParts = parts;
            return this;
        }

        /**
         * Sets the {@code HttpClient} that opens the connection: for TLS settings
         * ({@code SSLContext}), proxies, an authenticator or an executor of your own. Default:
         * one client shared by every framewire socket.
         *
         * <p>An executor of the client's must accept every task: java.net.http stops a client whose
         * executor rejects one, and {@code connect} then fails with a {@link WebSocketException}
         * that names the executor (docs/jdk-defects.md, JDK-8277969). The client need not be
         * referenced elsewhere while its connections are open.
         *
         * @param client the client
         * @return this builder
         * @throws NullPointerException if {@code client} is {@code null}
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Checks.requireNonNull(client, "httpClient");
            return this;
        }

        /**
         * Watches that the peer is alive: after {@code interval} with nothing received, a Ping is
         * sent; if nothing at all arrives within {@code timeout} after it, the connection is
         * aborted and reads throw {@link ConnectionClosedException} with status 1006, whose cause
         * says it was the keepalive. The keepalive's Pongs never reach {@code readFrame}.
         * Default: off.
         *
         * <p>While the receive queue is full because the reader has not kept up, framewire asks
         * the JDK for nothing and nothing can arrive, however alive the peer is: the keepalive
         * then neither pings nor times out, and starts its timing afresh once the reader has
         * caught up. A server's own keepalive cannot know that: its Pings wait behind the queue
         * too (docs/pings-and-keepalive.md, "A slow reader").
         *
         * @param interval how long the connection may be idle before a Ping
         * @param timeout  how long to wait for anything after that Ping
         * @return this builder
         * @throws IllegalArgumentException if a duration is zero or negative
         * @throws NullPointerException     if a duration is {@code null}
         */
        public Builder keepAlive(Duration interval, Duration timeout) {
            this.keepAliveInterval = Checks.requirePositive(interval, "keepAlive interval");
            this.keepAliveTimeout = Checks.requirePositive(timeout, "keepAlive timeout");
            return this;
        }

        /**
         * Lets a reader with nothing to read wait actively, for up to {@code spin}, before it
         * blocks. Default: zero, off.
         *
         * <p>A blocked reader has to be woken by the operating system when a frame arrives, and
         * that wake-up is often the largest part of a short round trip's latency (tens of
         * microseconds on a busy machine). A reader still spinning sees the frame at once. Set
         * it at or a little above your typical round trip (the time from a send to its answer):
         * a spin shorter than the wait buys nothing, and a much longer one only burns CPU.
         *
         * <p>The cost is CPU: a reader that spins keeps a core busy (it yields the core to any
         * other runnable thread on each turn) for up to {@code spin} every time it finds nothing
         * to read. Use it for request/response traffic where latency matters more than CPU, not
         * for connections that mostly sit idle. It helps only with a core to spare: the spinning
         * reader competes with the JDK's selector thread, which must run first for a frame to
         * arrive at all. On a machine whose cores are all busy (on two cores shared with the
         * peer, in our benchmarks) it can make round trips slower; measure before keeping it.
         *
         * <p>Virtual threads never spin, whatever this says: spinning would hold the carrier
         * thread that other virtual threads need, so they block at once. Reads with a timeout
         * spin for at most their timeout.
         *
         * @param spin zero (off) or a positive duration, typically 50 to 500 microseconds
         * @return this builder
         * @throws IllegalArgumentException if {@code spin} is negative
         * @throws NullPointerException     if {@code spin} is {@code null}
         */
        public Builder readSpin(Duration spin) {
            this.readSpin = Checks.requireNonNegative(spin, "readSpin");
            return this;
        }

        /**
         * Opens a connection with these settings, blocking until the opening handshake
         * completes.
         *
         * <p>Credentials in the URI ({@code wss://user:password@host/}, percent-encoded where
         * needed) are sent as a Basic {@code Authorization} header of the upgrade request, as
         * browsers and curl do; over {@code ws://} that header crosses the network in clear text.
         * They are never shown: {@link FrameSocket#uri()}, {@code toString()}, exception messages
         * and the log all use the URI without them, and the JDK never sees them.
         *
         * @param uri a {@code ws://} or {@code wss://} URI with a host and without a fragment
         * @return the open connection
         * @throws IllegalArgumentException if {@code uri} is not such a URI, or carries credentials
         *                                  while an {@code Authorization} header was set too
         * @throws NullPointerException     if {@code uri} is {@code null}
         * @throws HandshakeException       if the server (or a proxy) answered but refused the upgrade
         * @throws WebSocketException       if no connection could be made (refused, timeout, TLS)
         * @throws InterruptedIOException   if the thread was interrupted while waiting
         * @throws IOException              for any other I/O failure
         */
        public FrameSocket connect(URI uri) throws IOException {
            return open(settings(), uri);
        }

        /**
         * Returns a {@link Reconnector} that opens connections to {@code uri} with this builder's
         * settings as they are now, and waits and retries while the server is away. Later changes
         * to this builder do not reach it.
         *
         * @param uri a {@code ws://} or {@code wss://} URI with a host and without a fragment
         * @return a reconnector with the default backoff (500 ms up to 30 s) and no attempt limit
         * @throws IllegalArgumentException if {@code uri} is not such a URI
         * @throws NullPointerException     if {@code uri} is {@code null}
         */
        public Reconnector reconnector(URI uri) {
            return new Reconnector(settings(), uri);
        }

        /** {@return these settings as they are now, as a value that later changes to this builder do not reach} */
        Settings settings() {
            return new Settings(headers, subprotocols, connectTimeout, readTimeout, sendTimeout, closeTimeout,
                    pongAutoConsume, deliverPings, maxMessageSize, maxQueuedParts, httpClient, keepAliveInterval,
                    keepAliveTimeout, readSpin);
        }
    }
}
