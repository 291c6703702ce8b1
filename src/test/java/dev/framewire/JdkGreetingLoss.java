package dev.framewire;

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
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A reproduction of a java.net.http defect, small enough for a JDK bug report and using only the
 * JDK: a WebSocket server that writes its 101 response and a 64 KiB text frame in one write, and
 * a plain {@code java.net.http.WebSocket} client that counts the messages that never complete.
 * The client loses whole 16 KiB socket reads: {@code Http1Exchange.drainLeftOverBytes} stops and
 * drains {@code Http1AsyncReceiver} on a common-pool thread while the selector thread is still
 * offering it the rest of one socket read ({@code Http1TubeSubscriber.onNext}).
 *
 * <pre>
 * java src/test/java/dev/framewire/JdkGreetingLoss.java [connections [inline]]
 * </pre>
 * With {@code inline} the client's executor is {@code Runnable::run}, which makes it far likelier.
 * Not a test: see docs/jdk-defects.md for the rates measured.
 */
public final class JdkGreetingLoss {

    private JdkGreetingLoss() {
    }

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        boolean inline = args.length > 1 && args[1].equals("inline");
        byte[] text = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket socket = server.accept();
                    Thread serving = new Thread(() -> greet(socket, text));
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
                if (received.get(2, TimeUnit.SECONDS) != text.length) {
                    incomplete++;
                }
            } catch (Exception e) { // timed out, or the JDK reported an error
                incomplete++;
            }
            ws.abort();
        }
        System.out.printf("%s, %s executor: %d of %d messages incomplete%n",
                System.getProperty("java.version"), inline ? "inline" : "default", incomplete, connections);
        server.close();
    }

    /** Reads the upgrade request, then writes the 101 and one text frame in a single write. */
    private static void greet(Socket socket, byte[] text) {
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
                    + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            ByteBuffer all = ByteBuffer.allocate(response.length + 10 + text.length);
            all.put(response).put((byte) 0x81).put((byte) 127).putLong(text.length).put(text);
            OutputStream out = socket.getOutputStream();
            out.write(all.array()); // one write: the 101 and the frame leave together
            out.flush();
            while (in.read() >= 0) {
                // wait for the client to go; sending nothing more, so a lost read stays lost
            }
        } catch (Exception e) {
            // the client aborted
        }
    }
}
