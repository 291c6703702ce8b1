package dev.framewire.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket server that speaks first: it answers each opening handshake with a {@code 101} and,
 * in the same {@code write}, a greeting of ready-made frames (see
 * {@link ScriptedConnection#encodeFrame}). Written on a plain {@link ServerSocket}, so that the
 * 101 and the greeting leave in one TCP write and usually reach the client in one socket read.
 * That is the situation in which {@code java.net.http} loses 16 KiB reads (docs/jdk-defects.md).
 *
 * <p>After the greeting the server sends nothing more: it reads and discards whatever the client
 * sends until the client closes the connection. So a client that lost part of the greeting waits
 * for bytes that never come, and no later byte can fill the gap and make a damaged message look
 * complete. Each connection is served on its own daemon thread; a connection idle for
 * {@link #IDLE_TIMEOUT_MILLIS} is closed.
 */
public final class GreetingServer implements AutoCloseable {

    private static final int IDLE_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_REQUEST_HEAD = 16 * 1024;

    private final byte[] greeting;
    private final int headPadCycle;
    private final AtomicInteger connections = new AtomicInteger();
    private final ServerSocket serverSocket;
    private final Queue<Socket> sockets = new ConcurrentLinkedQueue<>();
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private GreetingServer(byte[] greeting, int headPadCycle) throws IOException {
        this.greeting = greeting.clone();
        this.headPadCycle = headPadCycle;
        this.serverSocket = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"));
    }

    /**
     * Starts a server on an ephemeral port of {@code 127.0.0.1}.
     *
     * @param greeting the encoded frames to send right behind every 101 response, in the same write
     */
    public static GreetingServer start(byte[] greeting) throws IOException {
        return start(greeting, 0);
    }

    /**
     * Starts a server whose 101 responses differ in length: the {@code n}th connection's carries
     * a header {@code X-Pad} of {@code n % headPadCycle} characters. Where in the greeting a
     * socket read ends, and so where a lost read cuts it, moves with the length of the response
     * in front of it; real responses vary too (dates, cookies).
     *
     * @param greeting     the encoded frames to send right behind every 101 response, in the same write
     * @param headPadCycle how many lengths to cycle through; 0 for no {@code X-Pad}
     */
    public static GreetingServer start(byte[] greeting, int headPadCycle) throws IOException {
        GreetingServer server = new GreetingServer(greeting, headPadCycle);
        Thread acceptor = new Thread(server::acceptLoop, "greeting-server-" + server.serverSocket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    /** Where to connect: {@code ws://127.0.0.1:PORT/}. */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + serverSocket.getLocalPort() + "/");
    }

    /** Stops accepting, closes every connection, and fails if serving a connection failed. */
    @Override
    public void close() throws IOException {
        closed = true;
        serverSocket.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        Throwable failure = failures.peek();
        if (failure != null) {
            throw new AssertionError("GreetingServer failed to serve a connection: " + failure, failure);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = serverSocket.accept();
                sockets.add(socket);
                Thread thread = new Thread(() -> serve(socket), "greeting-server-connection");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                if (!closed) {
                    failures.add(e);
                }
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            InputStream in = socket.getInputStream();
            String key = secWebSocketKey(readRequestHead(in));
            byte[] head = ("HTTP/1.1 101 Switching Protocols\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + ScriptedConnection.acceptKeyFor(key) + "\r\n"
                    + (headPadCycle > 0 ? "X-Pad: " + "p".repeat(connections.getAndIncrement() % headPadCycle) + "\r\n" : "")
                    + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            byte[] response = new byte[head.length + greeting.length];
            System.arraycopy(head, 0, response, 0, head.length);
            System.arraycopy(greeting, 0, response, head.length, greeting.length);
            OutputStream out = socket.getOutputStream();
            out.write(response); // one write: the 101 and the greeting leave together
            out.flush();
            byte[] discard = new byte[8192];
            while (in.read(discard) != -1) {
                // the client's Close, if any; the server only waits for the end of TCP
            }
        } catch (SocketTimeoutException e) {
            // A client that neither reads nor closes for so long is gone; nothing to report.
        } catch (IOException e) {
            if (!closed && !isReset(e)) {
                failures.add(e);
            }
        }
    }

    /** A client that aborts may reset the connection; that is how it says goodbye, not a failure. */
    private static boolean isReset(IOException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return message.contains("reset") || message.contains("broken pipe");
    }

    private static String readRequestHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0; // how much of "\r\n\r\n" the last bytes were
        while (matched < 4) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("client closed the connection during the opening handshake");
            }
            if (head.size() >= MAX_REQUEST_HEAD) {
                throw new IOException("opening handshake request is larger than " + MAX_REQUEST_HEAD + " bytes");
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String secWebSocketKey(String head) throws IOException {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Key")) {
                return line.substring(colon + 1).trim();
            }
        }
        throw new IOException("no Sec-WebSocket-Key in the opening handshake request");
    }
}
