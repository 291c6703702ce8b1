package dev.framewire.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server side of one connection, as a {@link Script} (or the test, through
 * {@link ScriptedServer#nextConnection()}) sees it: the client's opening handshake request, sends
 * of exact frames and bytes, the frames the client sent, and the TCP connection itself.
 *
 * <p>Sends check nothing, on purpose: a script may send what no real server would (see
 * {@link WireFrame}). Each send is written as {@link #writes(Writes)} says, by default in a single
 * write on a socket with {@code TCP_NODELAY}, so it leaves at once and no flush is needed. Sends
 * may come from any thread; one send's writes are never mixed with another's.
 *
 * <pre>{@code
 * connection.sendTextFragments("hel", "lo");                // one text message, two frames
 * connection.send(WireFrame.text("a"), WireFrame.ping());   // two frames in one write
 * connection.sendPartOf(WireFrame.binary(new byte[1000]), 500);
 * connection.resetTcp();                                    // RST in the middle of the frame
 * }</pre>
 */
public final class ServerConnection {

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_REQUEST_HEAD = 64 * 1024;

    private final int id;
    private final Socket socket;
    private final Socket tcp;
    private final DataInputStream in;
    private final OutputStream out;
    private final ReceivedFrames received;
    private final ReentrantLock sending = new ReentrantLock();
    private volatile Writes writes;
    private String requestLine = "";
    private String requestTarget = "";
    private Map<String, List<String>> requestHeaders = Map.of();
    private volatile Handshake answer;

    /**
     * @param socket what frames are read from and written to: {@code tcp}, or TLS over it
     * @param tcp the TCP connection under it, for FIN and RST without TLS's goodbye
     */
    ServerConnection(int id, Socket socket, Socket tcp, Writes writes, boolean requireMasked) throws IOException {
        this.id = id;
        this.socket = socket;
        this.tcp = tcp;
        this.writes = writes;
        tcp.setTcpNoDelay(true);
        // One buffered stream serves both the HTTP request and the frames after it, so bytes the
        // client sends right behind its request are not lost between two readers.
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
        this.received = new ReceivedFrames(socket, in, requireMasked);
    }

    /** {@return this connection's number: 1 for the first connection the server accepted, and so on} */
    public int id() {
        return id;
    }

    // ---------------------------------------------------------------- opening handshake

    /** {@return the request target of the opening handshake, for example {@code /chat?room=1}} */
    public String requestTarget() {
        return requestTarget;
    }

    /** {@return the headers of the opening handshake request: case-insensitive names, each with its values in order} */
    public Map<String, List<String>> requestHeaders() {
        return requestHeaders;
    }

    /**
     * {@return the first value of one header of the opening handshake request}, or {@code null} if absent
     *
     * @param name the header name, in any case
     */
    public String requestHeader(String name) {
        List<String> values = requestHeaders.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** {@return the subprotocols the client offered, in its order; empty if none} */
    public List<String> offeredSubprotocols() {
        List<String> offered = new ArrayList<>();
        for (String value : requestHeaders.getOrDefault("Sec-WebSocket-Protocol", List.of())) {
            for (String name : value.split(",")) {
                if (!name.isBlank()) {
                    offered.add(name.trim());
                }
            }
        }
        return List.copyOf(offered);
    }

    /**
     * {@return the {@code Sec-WebSocket-Accept} value that answers this request's key}, for
     * scripts that write their own 101 with {@link #sendRaw}
     *
     * @throws IllegalStateException if the request had no {@code Sec-WebSocket-Key}
     */
    public String acceptKey() {
        String key = requestHeader("Sec-WebSocket-Key");
        if (key == null) {
            throw new IllegalStateException("the opening handshake request has no Sec-WebSocket-Key: " + requestLine);
        }
        return acceptKeyFor(key);
    }

    /**
     * {@return the {@code Sec-WebSocket-Accept} value for a {@code Sec-WebSocket-Key}} (RFC 6455,
     * section 4.2.2: SHA-1 of the key and the protocol's GUID, in Base64)
     *
     * @param secWebSocketKey the request's {@code Sec-WebSocket-Key}
     */
    public static String acceptKeyFor(String secWebSocketKey) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((secWebSocketKey + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform must support SHA-1", e);
        }
    }

    /**
     * Answers the opening handshake, on a server (or a connection) whose handshake is
     * {@link Handshake#byScript()}. A refusal half-closes the connection afterwards.
     *
     * @throws IllegalStateException if the handshake was already answered, or {@code handshake}
     *     is {@link Handshake#byScript()}
     *
     * @param handshake how to answer the opening handshake
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void answer(Handshake handshake) throws IOException {
        Objects.requireNonNull(handshake, "handshake");
        if (handshake.kind() == Handshake.Kind.SCRIPTED) {
            throw new IllegalStateException("byScript() is not an answer: give accept(), refuse(status), ...");
        }
        if (answer != null) {
            throw new IllegalStateException("the opening handshake was already answered with " + answer);
        }
        answer = handshake;
        switch (handshake.kind()) {
            case ACCEPT -> sendRaw(handshake.response(acceptKey(), offeredSubprotocols().stream().findFirst().orElse(null)));
            case REFUSE -> {
                sendRaw(handshake.response(null, null));
                shutdownOutput();
            }
            case RAW -> sendRaw(handshake.response(null, null));
            default -> {
                // NEVER: nothing is sent, ever.
            }
        }
    }

    /**
     * Accepts the upgrade with a plain 101; see {@link #answer(Handshake)}.
     *
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void acceptUpgrade() throws IOException {
        answer(Handshake.accept());
    }

    /** {@return the answer given to the opening handshake so far, or {@code null} if none yet} */
    Handshake answered() {
        return answer;
    }

    /**
     * Reads the request head, up to and including the empty line.
     *
     * @return false if the client closed the connection before sending a byte of it
     */
    boolean readUpgradeRequest() throws IOException {
        socket.setSoTimeout(ReceivedFrames.millis(ReceivedFrames.deadline(ReceivedFrames.DEFAULT_TIMEOUT)));
        List<String> lines = readRequestHead();
        if (lines.isEmpty()) {
            return false;
        }
        requestLine = lines.get(0);
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[0].equals("GET")) {
            throw new IOException("not a WebSocket opening handshake: " + requestLine);
        }
        requestTarget = parts[1];
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line in the opening handshake: " + line);
            }
            headers.computeIfAbsent(line.substring(0, colon).trim(), name -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        headers.replaceAll((name, values) -> List.copyOf(values));
        requestHeaders = Collections.unmodifiableMap(headers);
        return true;
    }

    private List<String> readRequestHead() throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int total = 0; total < MAX_REQUEST_HEAD; total++) {
            int b = in.read();
            if (b == -1) {
                if (total == 0) {
                    return lines;
                }
                throw new EOFException("the client closed the connection during the opening handshake");
            }
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            line.reset();
            text = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            if (!text.isEmpty()) {
                lines.add(text);
            } else if (!lines.isEmpty()) {
                return lines;
            }
            // An empty line before the request line is allowed (RFC 9112, section 2.2) and skipped.
        }
        throw new IOException("the opening handshake request is larger than " + MAX_REQUEST_HEAD + " bytes");
    }

    // ---------------------------------------------------------------- sending

    /**
     * Sets how the bytes of every later send meet TCP; see {@link Writes}.
     *
     * @param writes how sends meet TCP
     */
    public void writes(Writes writes) {
        this.writes = Objects.requireNonNull(writes, "writes");
    }

    /**
     * Sends these frames together, as one send: in one write unless {@link #writes(Writes)} says otherwise.
     *
     * @param frames the frames, in order
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void send(WireFrame... frames) throws IOException {
        sendRaw(WireFrame.encode(List.of(frames)));
    }

    /**
     * Sends the first {@code bytes} bytes of a frame's encoding and no more: with
     * {@link #closeTcp()} or {@link #resetTcp()} after it, a connection that drops mid-frame.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative or not less than the frame's length
     * @param frame the frame
     * @param bytes the bytes, copied
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void sendPartOf(WireFrame frame, int bytes) throws IOException {
        byte[] encoded = frame.encode();
        if (bytes < 0 || bytes >= encoded.length) {
            throw new IllegalArgumentException("a part of a frame of " + encoded.length + " bytes is 0 to "
                    + (encoded.length - 1) + " bytes, not " + bytes);
        }
        sendRaw(Arrays.copyOf(encoded, bytes));
    }

    /**
     * Sends one unmasked frame with the shortest length encoding; any opcode from 0 to 15.
     *
     * @param opcode the opcode, 0 to 15
     * @param fin whether to set the FIN bit
     * @param payload the payload
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
        send(WireFrame.of(opcode, payload).fin(fin));
    }

    /**
     * Sends a whole text message in one frame.
     *
     * @param text the text, in UTF-8 on the wire
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void sendText(String text) throws IOException {
        send(WireFrame.text(text));
    }

    /**
     * Sends a text frame: the first (or only) frame of a text message.
     *
     * @param text the text, in UTF-8 on the wire
     * @param fin whether to set the FIN bit
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void sendTextFrame(String text, boolean fin) throws IOException {
        send(WireFrame.text(text).fin(fin));
    }

    /**
     * Sends one text message as these fragments, each frame a send of its own: the first a text
     * frame, the others continuations, FIN on the last. To cut inside a character, see
     * {@link WireFrame#fragments}.
     *
     * @throws IllegalArgumentException if no fragment is given
     * @param fragments the fragments, in order
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void sendTextFragments(String... fragments) throws IOException {
        sendFragments(WireFrame.TEXT, Arrays.stream(fragments).map(WireFrame::utf8).toArray(byte[][]::new));
    }

    /**
     * Sends a whole binary message in one frame.
     *
     * @param data the bytes
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void sendBinary(byte[] data) throws IOException {
        send(WireFrame.binary(data));
    }

    /**
     * Sends a binary frame: the first (or only) frame of a binary message.
     *
     * @param data the bytes
     * @param fin whether to set the FIN bit
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void sendBinaryFrame(byte[] data, boolean fin) throws IOException {
        send(WireFrame.binary(data).fin(fin));
    }

    /**
     * Sends one binary message as these fragments, each frame a send of its own.
     *
     * @throws IllegalArgumentException if no fragment is given
     * @param fragments the fragments, in order
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void sendBinaryFragments(byte[]... fragments) throws IOException {
        sendFragments(WireFrame.BINARY, fragments);
    }

    private void sendFragments(int opcode, byte[][] fragments) throws IOException {
        if (fragments.length == 0) {
            throw new IllegalArgumentException("a message has at least one fragment");
        }
        for (int i = 0; i < fragments.length; i++) {
            send(WireFrame.of(i == 0 ? opcode : WireFrame.CONTINUATION, fragments[i]).fin(i == fragments.length - 1));
        }
    }

    /**
     * Sends a continuation frame carrying text.
     *
     * @param text the text, in UTF-8 on the wire
     * @param fin whether to set the FIN bit
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void sendContinuation(String text, boolean fin) throws IOException {
        send(WireFrame.continuation(text).fin(fin));
    }

    /**
     * Sends a continuation frame carrying bytes, for example half of a UTF-8 sequence.
     *
     * @param data the bytes
     * @param fin whether to set the FIN bit
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void sendContinuation(byte[] data, boolean fin) throws IOException {
        send(WireFrame.continuation(data).fin(fin));
    }

    /**
     * Sends a Ping with this payload, of any length.
     *
     * @param payload the payload
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void sendPing(byte[] payload) throws IOException {
        send(WireFrame.ping(payload));
    }

    /**
     * Sends a Ping with this payload in UTF-8.
     *
     * @param payload the payload
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void sendPing(String payload) throws IOException {
        send(WireFrame.ping(payload));
    }

    /**
     * Sends an unsolicited (or late) Pong with this payload.
     *
     * @param payload the payload
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void sendPong(byte[] payload) throws IOException {
        send(WireFrame.pong(payload));
    }

    /**
     * Sends a Close frame with this code and reason, valid or not.
     *
     * @param code the status code, valid or not
     * @param reason the reason, valid or not
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void sendClose(int code, String reason) throws IOException {
        send(WireFrame.close(code, reason));
    }

    /**
     * Sends a Close frame with an empty payload, which the client must report as 1005.
     *
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void sendCloseWithoutStatus() throws IOException {
        send(WireFrame.closeWithoutStatus());
    }

    /**
     * Sends these exact bytes, as one send: in one write unless {@link #writes(Writes)} says otherwise.
     *
     * @throws InterruptedIOException if interrupted during a pause between writes
     * @param bytes the bytes, copied
     */
    public void sendRaw(byte[] bytes) throws IOException {
        Writes policy = writes;
        List<byte[]> pieces = policy.cut(bytes);
        sending.lock();
        try {
            for (int i = 0; i < pieces.size(); i++) {
                if (i > 0 && !policy.pause().isZero()) {
                    pause(policy.pause());
                }
                out.write(pieces.get(i));
                out.flush();
            }
        } finally {
            sending.unlock();
        }
    }

    private static void pause(Duration pause) throws InterruptedIOException {
        try {
            TimeUnit.NANOSECONDS.sleep(pause.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted between two writes");
        }
    }

    // ---------------------------------------------------------------- receiving

    /** {@return what the client sent on this connection, frame by frame} */
    public ReceivedFrames received() {
        return received;
    }

    /**
     * {@return the client's next frame}; short for {@code received().next()}, see {@link ReceivedFrames#next(Duration)}
     *
     * @throws IOException if no frame came in time or the connection ended; see {@link ReceivedFrames#next(Duration)}
     */
    public ClientFrame readFrame() throws IOException {
        return received.next();
    }

    /**
     * {@return the client's next frame, waiting up to {@code timeout}}; see {@link ReceivedFrames#next(Duration)}
     *
     * @param timeout the longest wait
     * @throws IOException if no frame came in time or the connection ended; see {@link ReceivedFrames#next(Duration)}
     */
    public ClientFrame readFrame(Duration timeout) throws IOException {
        return received.next(timeout);
    }

    /**
     * {@return the client's next frame with {@code opcode}, skipping others}; see {@link ReceivedFrames#nextOf(int, Duration)}
     *
     * @param opcode the opcode, 0 to 15
     * @throws IOException if no frame came in time or the connection ended; see {@link ReceivedFrames#next(Duration)}
     */
    public ClientFrame readUntil(int opcode) throws IOException {
        return received.nextOf(opcode);
    }

    /**
     * {@return the client's next frame with {@code opcode} within {@code timeout}}; see {@link ReceivedFrames#nextOf(int, Duration)}
     *
     * @param opcode the opcode, 0 to 15
     * @param timeout the longest wait
     * @throws IOException if no frame came in time or the connection ended; see {@link ReceivedFrames#next(Duration)}
     */
    public ClientFrame readUntil(int opcode, Duration timeout) throws IOException {
        return received.nextOf(opcode, timeout);
    }

    /** Stops reading until {@link #resumeReading()}; see {@link ReceivedFrames#stopReading()}. */
    public void stopReading() {
        received.stopReading();
    }

    /** Reads again after {@link #stopReading()}. */
    public void resumeReading() {
        received.resumeReading();
    }

    /**
     * Waits for the client to close the connection (FIN or reset), discarding what it sends
     * meanwhile; the way for a script to keep a connection open while the test works the client.
     *
     * @throws java.net.SocketTimeoutException if the connection is still open after {@code timeout}
     * @param timeout the longest wait
     */
    public void awaitClientClosed(Duration timeout) throws IOException {
        received.awaitEnd(timeout);
    }

    /**
     * Waits for the client's Close, discarding the frames before it, answers it with the same code
     * (a Close without status with one without status), and waits for the client to close TCP:
     * the end of a polite connection. A client that leaves without a Close ends it quietly.
     *
     * @param timeout the longest wait for the client's Close
     * @return the client's Close, or {@code null} if the connection ended without one
     * @throws java.net.SocketTimeoutException if no Close came within {@code timeout}
     * @throws IOException if the answer cannot be written
     */
    public ClientFrame awaitCloseAndAnswer(Duration timeout) throws IOException {
        ClientFrame close;
        try {
            close = received.nextOf(WireFrame.CLOSE, timeout);
        } catch (EOFException | SocketException gone) {
            return null;
        }
        answerClose(close);
        return close;
    }

    /** Answers the client's Close with its code and waits for the client to close TCP. */
    private void answerClose(ClientFrame close) throws IOException {
        try {
            send(close.payload().length < 2 ? WireFrame.closeWithoutStatus() : WireFrame.close(close.closeCode(), ""));
            received.drainIgnoringStop(ScriptedServer.LINGER);
        } catch (SocketException gone) {
            // The client did not wait for the answer.
        }
    }

    /**
     * Echoes until the connection ends: each data frame goes back as it came (same opcode, FIN and
     * payload, so fragments come back as fragments), each Ping is answered with a Pong carrying its
     * payload, Pongs are dropped, and the client's Close is answered with its code; then returns
     * once the client closes TCP. A client that vanishes ends the echo quietly.
     *
     * @throws IOException if no frame came in time or the connection ended; see {@link ReceivedFrames#next(Duration)}
     */
    public void echoUntilClosed() throws IOException {
        while (true) {
            ClientFrame frame;
            try {
                frame = received.next(Script.HOLD);
            } catch (EOFException | SocketException gone) {
                return;
            }
            try {
                switch (frame.opcode()) {
                    case WireFrame.PING -> sendPong(frame.payload());
                    case WireFrame.PONG -> {
                        // Unsolicited, or the answer to nothing the echo sent: dropped.
                    }
                    case WireFrame.CLOSE -> {
                        answerClose(frame);
                        return;
                    }
                    default -> send(WireFrame.of(frame.opcode(), frame.payload()).fin(frame.fin()).rsv(frame.rsv()));
                }
            } catch (SocketException gone) {
                return; // the client left while the echo answered it
            }
        }
    }

    // ---------------------------------------------------------------- TCP

    /**
     * Closes the TCP connection with FIN and without a Close frame (nor TLS's close_notify), as a crashing server would.
     *
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void closeTcp() throws IOException {
        tcp.close();
    }

    /**
     * Resets the TCP connection (RST instead of FIN), as a dropped route or a killed process may.
     *
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void resetTcp() throws IOException {
        tcp.setSoLinger(true, 0);
        tcp.close();
    }

    /**
     * Half-closes: the client reads the end of the stream, while the server can still read from it.
     *
     * @throws IOException if the write fails, for example because the client closed the connection
     */
    public void shutdownOutput() throws IOException {
        if (!socket.isOutputShutdown()) {
            socket.shutdownOutput();
        }
    }

    /**
     * Ends the connection after its script returned: half-close, then give the client a moment to
     * close its side. Closing at once could make the kernel answer still-unread client bytes with
     * a reset, which may discard data the client has not read yet.
     */
    void finish(Duration linger) {
        try {
            if (!tcp.isClosed()) {
                shutdownOutput();
                received.drainIgnoringStop(linger);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // The script has finished and passed; how the client leaves is no longer its business.
        } finally {
            closeQuietly();
        }
    }

    void closeQuietly() {
        try {
            tcp.close();
        } catch (IOException e) {
            // Nothing left to clean up.
        }
    }

    @Override
    public String toString() {
        return "ServerConnection #" + id + " " + requestLine;
    }
}
