package dev.framewire.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One connection accepted by {@link ScriptedServer}, as its script sees it: the client's opening
 * handshake request, and reads and writes of single frames with nothing in between.
 *
 * <p>Sends check nothing, on purpose: a script may send what no real server would (reserved
 * opcodes, oversized or fragmented control frames, invalid UTF-8, a Close without status code), and
 * {@link #sendRaw} sends any bytes at all, RSV bits and broken headers included. Reads, in
 * contrast, check what RFC 6455 requires of a client (that it masks every frame), because that is
 * what a test wants to know about the client under test.
 *
 * <p>Each send encodes its frame into one array and writes it with a single call on a socket with
 * {@code TCP_NODELAY}, so frames leave as soon as they are sent and no flush is needed. To put
 * several frames into one write, concatenate {@link #encodeFrame} results and {@link #sendRaw}
 * them; to split one frame across writes, send its encoding in pieces.
 *
 * <p>Every read gives up after a timeout ({@link #DEFAULT_TIMEOUT} unless one is passed) with a
 * {@link SocketTimeoutException}, so a client that never sends fails its test instead of hanging
 * it. Read from one thread at a time; sends may come from any thread.
 */
public final class ScriptedConnection {

    // Opcodes, RFC 6455 section 5.2.
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    /** How long reads without an explicit timeout wait. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_REQUEST_HEAD = 64 * 1024;
    private static final int MAX_CLIENT_PAYLOAD = 64 * 1024 * 1024;

    private final int id;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final boolean echoFirstSubprotocol;
    private String requestTarget = "";
    private Map<String, List<String>> requestHeaders = Map.of();
    private boolean upgraded;

    ScriptedConnection(int id, Socket socket, boolean echoFirstSubprotocol) throws IOException {
        this.id = id;
        this.socket = socket;
        this.echoFirstSubprotocol = echoFirstSubprotocol;
        socket.setTcpNoDelay(true);
        // One buffered stream serves both the HTTP request and the frames after it, so bytes the
        // client sends right behind its request are not lost between two readers.
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
    }

    /** This connection's number: 1 for the first connection the server accepted, and so on. */
    public int id() {
        return id;
    }

    // ---------------------------------------------------------------- opening handshake

    /** The request target of the opening handshake, for example {@code /chat?room=1}. */
    public String requestTarget() {
        return requestTarget;
    }

    /** The headers of the opening handshake request: case-insensitive names, each with its values in the order received. */
    public Map<String, List<String>> requestHeaders() {
        return requestHeaders;
    }

    /**
     * The first value of one header of the opening handshake request.
     *
     * @param name the header name, in any case
     * @return the value, or {@code null} if the header was absent
     */
    public String requestHeader(String name) {
        List<String> values = requestHeaders.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * The {@code Sec-WebSocket-Accept} value that answers this request's {@code Sec-WebSocket-Key},
     * for scripts that write their own handshake response.
     *
     * @throws IllegalStateException if the request had no {@code Sec-WebSocket-Key}
     */
    public String acceptKey() {
        String key = requestHeader("Sec-WebSocket-Key");
        if (key == null) {
            throw new IllegalStateException("the opening handshake request has no Sec-WebSocket-Key");
        }
        return acceptKeyFor(key);
    }

    /**
     * Sends the standard {@code 101 Switching Protocols} response. The server does this itself
     * before the script runs, unless it was built with {@link ScriptedServer.Builder#manualHandshake()}.
     *
     * @throws IllegalStateException if the response has already been sent
     */
    public void acceptUpgrade() throws IOException {
        if (upgraded) {
            throw new IllegalStateException("the 101 response has already been sent");
        }
        StringBuilder response = new StringBuilder()
                .append("HTTP/1.1 101 Switching Protocols\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Accept: ").append(acceptKey()).append("\r\n");
        String subprotocol = echoFirstSubprotocol ? firstOfferedSubprotocol() : null;
        if (subprotocol != null) {
            response.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
        }
        sendRaw(response.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        upgraded = true;
    }

    /** Reads the request head, up to and including the empty line; called before the script runs. */
    void readUpgradeRequest() throws IOException {
        socket.setSoTimeout(millis(DEFAULT_TIMEOUT));
        List<String> lines = readRequestHead();
        String[] requestLine = lines.get(0).split(" ");
        if (requestLine.length != 3 || !requestLine[0].equals("GET")) {
            throw new IOException("not a WebSocket opening handshake: " + lines.get(0));
        }
        requestTarget = requestLine[1];
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + line);
            }
            headers.computeIfAbsent(line.substring(0, colon).trim(), name -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        headers.replaceAll((name, values) -> List.copyOf(values));
        requestHeaders = Collections.unmodifiableMap(headers);
    }

    private List<String> readRequestHead() throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int total = 0; total < MAX_REQUEST_HEAD; total++) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("client closed the connection during the opening handshake");
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
        throw new IOException("opening handshake request is larger than " + MAX_REQUEST_HEAD + " bytes");
    }

    private String firstOfferedSubprotocol() {
        for (String value : requestHeaders.getOrDefault("Sec-WebSocket-Protocol", List.of())) {
            for (String offered : value.split(",")) {
                if (!offered.isBlank()) {
                    return offered.trim();
                }
            }
        }
        return null;
    }

    static String acceptKeyFor(String secWebSocketKey) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((secWebSocketKey + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform must support SHA-1", e);
        }
    }

    // ---------------------------------------------------------------- sending

    /**
     * Encodes one unmasked frame, as a server sends it, with the shortest length encoding (7, 16 or
     * 64 bits). RSV bits are 0; use {@link #sendRaw} with an edited first byte to set them.
     *
     * @param opcode any value from 0 to 15, reserved ones included
     * @param fin whether to set the FIN bit
     * @param payload the payload, of any length
     * @return header and payload in one array
     */
    public static byte[] encodeFrame(int opcode, boolean fin, byte[] payload) {
        if (opcode < 0 || opcode > 0xF) {
            throw new IllegalArgumentException("opcode must fit in 4 bits: " + opcode);
        }
        int length = payload.length;
        int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(header + length); // big-endian, as the wire wants
        frame.put((byte) ((fin ? 0x80 : 0) | opcode));
        if (length <= 125) {
            frame.put((byte) length);
        } else if (length <= 0xFFFF) {
            frame.put((byte) 126).putShort((short) length);
        } else {
            frame.put((byte) 127).putLong(length);
        }
        return frame.put(payload).array();
    }

    /** The payload of a Close frame: the code in two bytes, then the reason in UTF-8. Nothing is validated. */
    public static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text).array();
    }

    /** Sends one frame; see {@link #encodeFrame}. */
    public void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
        sendRaw(encodeFrame(opcode, fin, payload));
    }

    /** Sends a whole text message in one frame. */
    public void sendText(String text) throws IOException {
        sendTextFrame(text, true);
    }

    /** Sends a text frame: the first (or only) frame of a text message. */
    public void sendTextFrame(String text, boolean fin) throws IOException {
        sendFrame(TEXT, fin, utf8(text));
    }

    /** Sends a whole binary message in one frame. */
    public void sendBinary(byte[] data) throws IOException {
        sendBinaryFrame(data, true);
    }

    /** Sends a binary frame: the first (or only) frame of a binary message. */
    public void sendBinaryFrame(byte[] data, boolean fin) throws IOException {
        sendFrame(BINARY, fin, data);
    }

    /** Sends a continuation frame carrying text. */
    public void sendContinuation(String text, boolean fin) throws IOException {
        sendFrame(CONTINUATION, fin, utf8(text));
    }

    /** Sends a continuation frame carrying bytes, for example half of a UTF-8 sequence. */
    public void sendContinuation(byte[] data, boolean fin) throws IOException {
        sendFrame(CONTINUATION, fin, data);
    }

    public void sendPing(byte[] data) throws IOException {
        sendFrame(PING, true, data);
    }

    public void sendPong(byte[] data) throws IOException {
        sendFrame(PONG, true, data);
    }

    /** Sends a Close frame with this code and reason, valid or not. */
    public void sendClose(int code, String reason) throws IOException {
        sendFrame(CLOSE, true, closePayload(code, reason));
    }

    /** Sends a Close frame with an empty payload, which the client must report as 1005. */
    public void sendCloseWithoutStatus() throws IOException {
        sendFrame(CLOSE, true, new byte[0]);
    }

    /** Writes these exact bytes, in one write. */
    public void sendRaw(byte[] bytes) throws IOException {
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }

    // ---------------------------------------------------------------- receiving

    /** Reads the next frame, waiting at most {@link #DEFAULT_TIMEOUT}; see {@link #readFrame(Duration)}. */
    public ClientFrame readFrame() throws IOException {
        return readFrame(DEFAULT_TIMEOUT);
    }

    /**
     * Reads the next frame the client sent, checks that it was masked, and unmasks it.
     *
     * @param timeout the longest wait for each read from the socket
     * @throws SocketTimeoutException if the client sent nothing for {@code timeout}; the connection
     *     is then mid-frame and only good for closing
     * @throws EOFException if the client closed the connection
     * @throws AssertionError if the frame was not masked
     */
    public ClientFrame readFrame(Duration timeout) throws IOException {
        socket.setSoTimeout(millis(timeout));
        try {
            int first = in.read();
            if (first == -1) {
                throw new EOFException("client closed the connection instead of sending a frame");
            }
            int second = in.readUnsignedByte();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if ((second & 0x80) == 0) {
                throw new AssertionError("client sent an unmasked frame; RFC 6455, section 5.1 forbids that");
            }
            if (length < 0 || length > MAX_CLIENT_PAYLOAD) {
                throw new IOException("client frame length " + Long.toUnsignedString(length) + " is out of range");
            }
            byte[] mask = new byte[4];
            in.readFully(mask);
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            return new ClientFrame(first & 0x0F, (first & 0x80) != 0, (first >> 4) & 0x7, payload);
        } catch (SocketTimeoutException e) {
            throw timeout("no frame from the client within " + timeout, e);
        } catch (EOFException e) {
            throw e.getMessage() != null ? e : new EOFException("client closed the connection in the middle of a frame");
        }
    }

    /** Reads frames until one has {@code opcode}, within {@link #DEFAULT_TIMEOUT}; see {@link #readUntil(int, Duration)}. */
    public ClientFrame readUntil(int opcode) throws IOException {
        return readUntil(opcode, DEFAULT_TIMEOUT);
    }

    /**
     * Reads frames until one has {@code opcode} and returns it, discarding the others, for example
     * the Pongs a client sends while the script waits for its Close.
     *
     * @param timeout the longest wait for all of them together
     */
    public ClientFrame readUntil(int opcode, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw timeout("no frame with opcode " + opcode + " from the client within " + timeout, null);
            }
            ClientFrame frame = readFrame(Duration.ofNanos(remaining));
            if (frame.opcode() == opcode) {
                return frame;
            }
        }
    }

    /**
     * Waits for the client to close the TCP connection, discarding anything it sends meanwhile.
     * Also the way for a script to keep a connection open while the test works the client.
     *
     * @throws SocketTimeoutException if the connection is still open after {@code timeout}
     */
    public void awaitClientClosed(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] discard = new byte[8192];
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw timeout("client did not close the connection within " + timeout, null);
            }
            socket.setSoTimeout(millis(Duration.ofNanos(remaining)));
            try {
                if (in.read(discard) == -1) {
                    return;
                }
            } catch (SocketTimeoutException e) {
                throw timeout("client did not close the connection within " + timeout, e);
            }
        }
    }

    // ---------------------------------------------------------------- TCP

    /** Closes the TCP connection without a Close frame, as a crashing server would. */
    public void closeTcp() throws IOException {
        socket.close();
    }

    /** Resets the TCP connection (RST instead of FIN), as a dropped route or killed process may. */
    public void resetTcp() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Half-closes: the client reads end-of-stream, while the script can still read from it. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /**
     * Ends the connection after the script returned normally: half-close, then give the client a
     * moment to close its side. Closing at once could make the kernel answer still-unread client
     * bytes with a reset, which may discard data the client has not read yet.
     */
    void finish(Duration linger) {
        try {
            if (!socket.isClosed()) {
                if (!socket.isOutputShutdown()) {
                    socket.shutdownOutput();
                }
                awaitClientClosed(linger);
            }
        } catch (IOException e) {
            // The script has finished and passed; how the client leaves is no longer its business.
        } finally {
            closeQuietly();
        }
    }

    void closeQuietly() {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing left to clean up.
        }
    }

    private static SocketTimeoutException timeout(String message, Throwable cause) {
        SocketTimeoutException timeout = new SocketTimeoutException(message);
        timeout.initCause(cause);
        return timeout;
    }

    private static int millis(Duration timeout) {
        // Socket timeouts are whole milliseconds, and 0 would mean "forever": round up to at least 1.
        long millis = (timeout.toNanos() + 999_999) / 1_000_000;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
