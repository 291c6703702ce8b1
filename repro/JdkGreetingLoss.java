import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reproduction of a java.net.http defect, small enough for a JDK bug report and using only the
 * JDK: a WebSocket server that writes its 101 response and, in the same write, more than 16 KiB
 * of frames, and a plain {@code java.net.http.WebSocket} client that checks what arrives. The
 * client loses whole 16 KiB socket reads: {@code Http1Exchange.drainLeftOverBytes} stops and
 * drains {@code Http1AsyncReceiver} on a common-pool thread while the selector thread is still
 * offering it the rest of one socket read ({@code Http1TubeSubscriber.onNext}).
 *
 * <pre>
 * java repro/JdkGreetingLoss.java [connections] [inline] [ticks]
 * </pre>
 * By default the server sends one 64 KiB text frame, and the program counts the messages that
 * never complete. With {@code ticks} it sends what a market-data feed sends: an ack and 10,000
 * ticks of 50 to 60 bytes ({@code {"type":"tick","seq":N,"pad":"..."}}), then a Close; not one
 * message is over 16 KiB. The program then counts the connections that lost data, by kind: a gap
 * in the sequence numbers, a message that was never sent (the start of one tick joined to a
 * stretch of a later one, delivered as valid text), {@code onError} (a {@code ProtocolException}
 * without a message), or a stall (nothing for 2 s before the Close), and prints the first few
 * messages that were never sent. Each 101 response carries a header of a length that changes
 * from one connection to the next, so that the lost read cuts the feed in different places.
 * With {@code inline} the client's executor is {@code Runnable::run}, which makes the loss far
 * likelier. Not a test, so it lives outside the test tree (JdkDefectsTest, which runs the same
 * feeds as a test, has its own copy of {@link FeedListener}): see docs/jdk-defects.md for the
 * rates measured.
 */
public final class JdkGreetingLoss {

    private static final int TICKS = 10_000;
    private static final AtomicInteger CONNECTIONS = new AtomicInteger();

    private JdkGreetingLoss() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        List<String> options = Arrays.asList(args);
        boolean inline = options.contains("inline");
        boolean ticks = options.contains("ticks");
        List<String> sent = new ArrayList<>();
        if (ticks) {
            sent.add("{\"type\":\"ack\",\"ticks\":" + TICKS + "}");
            for (int seq = 0; seq < TICKS; seq++) {
                sent.add(tick(seq));
            }
        } else {
            sent.add("x".repeat(64 * 1024));
        }
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (String message : sent) {
            frames.writeBytes(textFrame(message.getBytes(StandardCharsets.US_ASCII)));
        }
        if (ticks) {
            frames.writeBytes(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xE8}); // Close 1000
        }
        byte[] greeting = frames.toByteArray();
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket socket = server.accept();
                    Thread serving = new Thread(() -> greet(socket, greeting));
                    serving.setDaemon(true);
                    serving.start();
                } catch (Exception e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();

        HttpClient.Builder builder = HttpClient.newBuilder();
        HttpClient client = inline ? builder.executor(Runnable::run).build() : builder.build();
        URI uri = URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/");
        String executor = inline ? "inline" : "default";
        if (ticks) {
            countDamagedFeeds(client, uri, sent, connections, executor);
        } else {
            countIncompleteMessages(client, uri, sent.get(0).length(), connections, executor);
        }
        server.close();
    }

    private static void countIncompleteMessages(HttpClient client, URI uri, int length, int connections, String executor)
            throws Exception {
        int incomplete = 0;
        for (int i = 0; i < connections; i++) {
            CompletableFuture<Integer> received = new CompletableFuture<>();
            WebSocket ws = client.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
                private int length;

                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    length += data.length();
                    if (last) {
                        received.complete(length);
                    } else {
                        webSocket.request(1);
                    }
                    return null;
                }

                @Override
                public void onError(WebSocket webSocket, Throwable error) {
                    received.completeExceptionally(error);
                }
            }).get(10, TimeUnit.SECONDS);
            try {
                if (received.get(2, TimeUnit.SECONDS) != length) {
                    incomplete++;
                }
            } catch (Exception e) { // timed out, or the JDK reported an error
                incomplete++;
            }
            ws.abort();
        }
        System.out.printf("%s, %s executor: %d of %d messages incomplete%n",
                System.getProperty("java.version"), executor, incomplete, connections);
    }

    private static void countDamagedFeeds(HttpClient client, URI uri, List<String> sent, int connections, String executor)
            throws Exception {
        int damaged = 0;
        int gaps = 0;
        int neverSent = 0;
        int errors = 0;
        int stalls = 0;
        List<String> examples = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            BlockingQueue<Object> events = new LinkedBlockingQueue<>();
            WebSocket ws = client.newWebSocketBuilder().buildAsync(uri, new FeedListener(events)).get(10, TimeUnit.SECONDS);
            int next = 0; // the index in sent of the message due
            boolean gap = false;
            boolean alien = false;
            boolean error = false;
            boolean stall = false;
            while (true) {
                Object event = events.poll(2, TimeUnit.SECONDS);
                if (event == null) {
                    stall = true;
                    break;
                } else if (event instanceof String message) {
                    if (next < sent.size() && message.equals(sent.get(next))) {
                        next++;
                        continue;
                    }
                    int at = sent.indexOf(message); // a linear search, but only for a message that was not the one due
                    if (at > next) {
                        gap = true;
                        next = at + 1;
                    } else {
                        alien = true;
                        if (examples.size() < 3) {
                            examples.add("instead of " + (next < sent.size() ? sent.get(next) : "nothing") + ": " + message);
                        }
                    }
                } else if (event instanceof Throwable failure) {
                    error = true;
                    if (examples.size() < 3) {
                        examples.add("onError: " + failure + ", caused by " + failure.getCause());
                    }
                    break;
                } else { // the Close
                    gap |= next < sent.size();
                    break;
                }
            }
            ws.abort();
            damaged += gap || alien || error || stall ? 1 : 0;
            gaps += gap ? 1 : 0;
            neverSent += alien ? 1 : 0;
            errors += error ? 1 : 0;
            stalls += stall ? 1 : 0;
        }
        System.out.printf("%s, %s executor, ticks: %d of %d connections lost data (with a gap in seq: %d, a message never"
                        + " sent: %d, onError: %d, a stall: %d)%n", System.getProperty("java.version"), executor, damaged,
                connections, gaps, neverSent, errors, stalls);
        examples.forEach(example -> System.out.println("  " + example));
    }

    /** The peer's Close, as {@link FeedListener} reports it. */
    record Closed(int code, String reason) {
    }

    /**
     * A plain listener that reports each whole message (a text's {@code String}, a binary one as
     * {@code "binary, N bytes"}), then the peer's {@link Closed Close} or the error, as events.
     */
    static final class FeedListener implements WebSocket.Listener {
        private final BlockingQueue<Object> events;
        private final StringBuilder text = new StringBuilder();
        private int binaryBytes;

        FeedListener(BlockingQueue<Object> events) {
            this.events = events;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                events.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            binaryBytes += data.remaining();
            if (last) {
                events.add("binary, " + binaryBytes + " bytes");
                binaryBytes = 0;
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            events.add(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            events.add(error);
        }
    }

    /** A tick of 50 to 60 bytes; the pad runs through the alphabet, so that a stretch of one rarely matches another. */
    private static String tick(int seq) {
        StringBuilder tick = new StringBuilder("{\"type\":\"tick\",\"seq\":").append(seq).append(",\"pad\":\"");
        int length = 50 + seq * 7 % 11;
        for (int i = 0; tick.length() < length - 2; i++) {
            tick.append((char) ('a' + (seq + i) % 26));
        }
        return tick.append("\"}").toString();
    }

    private static byte[] textFrame(byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(10 + payload.length).put((byte) 0x81);
        if (payload.length <= 125) {
            frame.put((byte) payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.put((byte) 126).putShort((short) payload.length);
        } else {
            frame.put((byte) 127).putLong(payload.length);
        }
        frame.put(payload);
        return Arrays.copyOf(frame.array(), frame.position());
    }

    /**
     * Reads the upgrade request, then writes the 101 and the frames in a single write. The 101
     * carries a header whose length cycles through 61 values from one connection to the next.
     */
    private static void greet(Socket socket, byte[] frames) {
        try (socket) {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            String key = head.toString().lines()
                    .filter(line -> line.toLowerCase().startsWith("sec-websocket-key:"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElseThrow();
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            byte[] response = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n"
                    + "X-Pad: " + "p".repeat(CONNECTIONS.getAndIncrement() % 61) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] all = Arrays.copyOf(response, response.length + frames.length);
            System.arraycopy(frames, 0, all, response.length, frames.length);
            OutputStream out = socket.getOutputStream();
            out.write(all); // one write: the 101 and the frames leave together
            out.flush();
            while (in.read() >= 0) {
                // wait for the client to go; sending nothing more, so a lost read stays lost
            }
        } catch (Exception e) {
            // the client aborted
        }
    }
}
