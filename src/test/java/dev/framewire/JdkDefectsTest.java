package dev.framewire;

import static dev.framewire.testkit.WireFrame.BINARY;
import static dev.framewire.testkit.WireFrame.CLOSE;
import static dev.framewire.testkit.WireFrame.CONTINUATION;
import static dev.framewire.testkit.WireFrame.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.testing.JettyEchoServer;
import dev.framewire.testing.Ports;
import dev.framewire.testkit.ClientFrame;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.SelfSignedCertificate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry of java.net.http defects in docs/jdk-defects.md, one test per row that has one
 * here (the byte order, the greeting loss, the vanished peer and the Basic proxy credentials rows
 * name their own tests). Each test either fails without what framewire does about the defect, or
 * shows the JDK behaviour the row documents, on the JDK it runs on (17 and 25 in this project's
 * builds).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JdkDefectsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /**
     * Text over 16 KiB in UTF-8 goes out as several frames (the JDK's
     * {@code MessageEncoder.encodeText} fills a buffer of
     * {@code jdk.httpclient.websocket.intermediateBufferSize}, 16,384 bytes, per frame) and is
     * never cut inside a character; binary goes out as one frame per call.
     */
    @Test
    void textOver16KiBIsCutIntoFramesByTheJdkAndBinaryIsNot() throws Exception {
        String exactly = "a".repeat(16_384);
        String oneMore = "b".repeat(16_385);
        String euros = "\u20ac".repeat(5_462);                   // 3 bytes each: 16,386 bytes
        byte[] binary = new byte[20_000];
        Arrays.fill(binary, (byte) 7);
        List<ClientFrame> frames = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = ScriptedServer.start(c -> {
            for (ClientFrame f = c.readFrame(); ; f = c.readFrame()) {
                if (f.opcode() == CLOSE) {
                    c.sendClose(f.closeCode(), "");
                    return;
                }
                frames.add(f);
            }
        })) {
            try (FrameSocket ws = FrameSocket.connect(server.uri())) {
                ws.sendText(exactly);
                ws.sendText(oneMore);
                ws.sendText(euros);
                ws.sendBinary(ByteBuffer.wrap(binary));
            }
            server.awaitScripts(WAIT);
        }
        assertEquals(List.of("TEXT fin 16384", "TEXT 16384", "CONTINUATION fin 1", "TEXT 16383", "CONTINUATION fin 3",
                "BINARY fin 20000"), frames.stream().map(JdkDefectsTest::describe).toList());
        assertEquals(exactly, frames.get(0).text());
        assertEquals(oneMore, joined(frames.subList(1, 3)));
        assertEquals(euros, joined(frames.subList(3, 5)));
        assertArrayEquals(binary, frames.get(5).payload());
    }

    private static String describe(ClientFrame f) {
        String type = f.opcode() == TEXT ? "TEXT" : f.opcode() == BINARY ? "BINARY"
                : f.opcode() == CONTINUATION ? "CONTINUATION" : "opcode " + f.opcode();
        return type + (f.fin() ? " fin " : " ") + f.payload().length;
    }

    private static String joined(List<ClientFrame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.forEach(f -> out.writeBytes(f.payload()));
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * JDK-8268294: listener calls run on the client's executor, and with an inline executor (as on
     * JDKs before the fix, and as on framewire's shared client once a connection is open) on the
     * client's selector thread itself. framewire's listener never blocks, not even on a full
     * receive queue (it stops asking the JDK for more), and the caller's code never runs inside
     * it, so the same client keeps serving HTTP requests, also from the reading thread between
     * messages. A listener that waited for room would hold the selector thread, and the request
     * would never be answered.
     */
    @Test
    void aFullReceiveQueueNeverHoldsTheSelectorThreadOfAnInlineClient() throws Exception {
        HttpClient inline = HttpClient.newBuilder().executor(Runnable::run).build();
        int messages = 8;
        try (JettyEchoServer server = JettyEchoServer.startHttp2();
             FrameSocket ws = FrameSocket.newBuilder().httpClient(inline).maxQueuedParts(2).connect(server.uri())) {
            for (int i = 0; i < messages; i++) {
                ws.sendText("message " + i);
            }
            // The echoes come back at once: 2 wait in the queue, the rest behind it in the JDK and TCP.
            Thread.sleep(300);
            HttpRequest page = HttpRequest.newBuilder(server.pageUri()).version(HttpClient.Version.HTTP_1_1).build();
            assertEquals(200, inline.sendAsync(page, HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS)
                    .statusCode(), "the client's selector thread answers while the queue is full");
            for (int i = 0; i < messages; i++) {
                assertEquals("message " + i, ws.readMessage(WAIT).text());
                assertEquals(200, inline.send(page, HttpResponse.BodyHandlers.discarding()).statusCode());
            }
        }
    }

    /**
     * JDK-8288746: the client's selector thread ends once the client is unreachable and has
     * nothing pending. An open WebSocket counts as pending ({@code RawChannelTube} calls
     * {@code HttpClientImpl.webSocketOpen}), and framewire keeps the client reachable for the
     * whole handshake, so a connection on a client the caller dropped survives garbage collection.
     */
    @Test
    void aConnectionOnAClientNobodyReferencesSurvivesGarbageCollection() throws Exception {
        try (JettyEchoServer server = JettyEchoServer.start()) {
            List<WeakReference<HttpClient>> clients = new ArrayList<>();
            try (FrameSocket ws = onAClientOfItsOwn(server.uri(), clients)) {
                WeakReference<HttpClient> client = clients.get(0);
                for (int i = 0; i < 20 && client.get() != null; i++) {
                    System.gc();
                    Thread.sleep(50);
                }
                assertNull(client.get(), "the client was collected (else this test shows nothing)");
                // Time for the JDK's Cleaner to wake the selector thread, which then decides whether to end.
                Thread.sleep(500);
                for (int i = 0; i < 3; i++) {
                    ws.sendText("after GC " + i);
                    assertEquals("after GC " + i, ws.readMessage(WAIT).text());
                    System.gc();
                }
            }
        }
    }

    /** Connects on a new client that, once this returns, only the JDK's own objects can reach. */
    private static FrameSocket onAClientOfItsOwn(URI uri, List<WeakReference<HttpClient>> made) throws IOException {
        HttpClient client = HttpClient.newHttpClient();
        made.add(new WeakReference<>(client));
        return FrameSocket.newBuilder().httpClient(client).connect(uri);
    }

    /**
     * JDK-8277969: an executor that rejects a task. A shut-down one makes {@code buildAsync}
     * throw {@link RejectedExecutionException} on the caller's thread; one that rejects a task of
     * the selector thread stops the client (with the fix) or leaves its handshake unanswered
     * forever (without it, as on 17.0.15). Either way connect fails within the connect timeout
     * and framewire's margin with a {@link WebSocketException} that names the executor, and a
     * reconnector does not retry it.
     */
    @Test
    void anExecutorThatRejectsTasksFailsTheConnectWithAMessageThatNamesIt() throws Exception {
        try (JettyEchoServer server = JettyEchoServer.start()) {
            ExecutorService shutDown = Executors.newSingleThreadExecutor();
            shutDown.shutdown();
            HttpClient onShutDown = HttpClient.newBuilder().executor(shutDown).build();
            WebSocketException e = assertThrows(WebSocketException.class,
                    () -> FrameSocket.newBuilder().httpClient(onShutDown).connect(server.uri()));
            assertNamesTheExecutor(e, shutDown, server.uri());
            WebSocketException again = assertThrows(WebSocketException.class,
                    () -> FrameSocket.newBuilder().httpClient(onShutDown).reconnector(server.uri()).connect());
            assertNamesTheExecutor(again, shutDown, server.uri());

            AcceptsOne acceptsOne = new AcceptsOne();
            HttpClient stopped = HttpClient.newBuilder().executor(acceptsOne).build();
            Duration connectTimeout = Duration.ofSeconds(1);
            long start = System.nanoTime();
            WebSocketException late = assertThrows(WebSocketException.class,
                    () -> FrameSocket.newBuilder().httpClient(stopped).connectTimeout(connectTimeout).connect(server.uri()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(acceptsOne.rejected.get() > 0, "the selector thread's task was rejected");
            assertNamesTheExecutor(late, acceptsOne, server.uri());
            // Within the connect timeout and framewire's own 5 s margin (the JDK without the fix never reports).
            assertTrue(took.compareTo(connectTimeout.plusSeconds(8)) < 0, "took " + took);
        }
    }

    private static void assertNamesTheExecutor(WebSocketException e, Executor executor, URI uri) {
        String m = e.getMessage();
        assertFalse(e instanceof HandshakeException, m);
        assertTrue(m.startsWith("Could not open " + uri + ": the HttpClient's executor " + executor + " rejected a task"), m);
        assertTrue(m.contains("JDK-8277969"), m);
        assertTrue(m.contains("an executor that accepts every task"), m);
    }

    /** Runs its first task on a thread of its own and rejects every later one. */
    private static final class AcceptsOne implements Executor {
        final AtomicInteger rejected = new AtomicInteger();
        private final AtomicInteger accepted = new AtomicInteger();

        @Override
        public void execute(Runnable task) {
            if (accepted.getAndIncrement() > 0) {
                rejected.incrementAndGet();
                throw new RejectedExecutionException("accepts one task only");
            }
            Thread thread = new Thread(task, "accepts-one");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public String toString() {
            return "AcceptsOne";
        }
    }

    /**
     * JDK-8361305: an upgrade on a client that already holds an HTTP/2 connection to the same
     * host and port. The JDK's opening handshake asks for HTTP/1.1 ({@code OpeningHandshake}:
     * {@code requestBuilder.version(Version.HTTP_1_1)}), so the upgrade takes a connection of
     * its own beside the HTTP/2 one, over h2c and over TLS (h2 through ALPN) alike, and the
     * HTTP/2 connection goes on serving requests.
     */
    @Test
    void anUpgradeOnAClientThatHoldsAnHttp2ConnectionToTheSameServerWorks() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.forNames("127.0.0.1");
        try (JettyEchoServer h2c = JettyEchoServer.startHttp2();
             JettyEchoServer h2 = JettyEchoServer.startHttp2Tls(certificate)) {
            for (JettyEchoServer server : List.of(h2c, h2)) {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                        .sslContext(certificate.trustingContext()).build();
                HttpRequest page = HttpRequest.newBuilder(server.pageUri()).build();
                HttpResponse<String> before = client.send(page, HttpResponse.BodyHandlers.ofString());
                assertEquals(HttpClient.Version.HTTP_2, before.version(), "the client holds an HTTP/2 connection");
                assertEquals("HTTP/2.0", before.body());
                try (FrameSocket ws = FrameSocket.newBuilder().httpClient(client).connect(server.uri())) {
                    ws.sendText("beside HTTP/2");
                    assertEquals("beside HTTP/2", ws.readMessage(WAIT).text());
                    assertEquals("HTTP/2.0", client.send(page, HttpResponse.BodyHandlers.ofString()).body());
                }
            }
        }
    }

    /**
     * JDK-8348986: the JDK keeps host names and addresses out of its exception messages unless
     * {@code jdk.includeInExceptions} lets them in (JDK 25 widens that to more messages). What
     * java.net.http reports for a refused connection or a name that does not resolve names no
     * host; framewire's message names it, and the port, from the URI the caller gave.
     */
    @Test
    void framewiresConnectFailuresNameTheHostWhereTheJdksDoNot() throws IOException {
        int port = Ports.closed();
        URI refused = URI.create("ws://localhost:" + port + "/echo");
        URI unknown = URI.create("ws://no-such-host.invalid/echo");
        for (URI uri : List.of(refused, unknown)) {
            WebSocketException e = assertThrows(WebSocketException.class,
                    () -> FrameSocket.newBuilder().connectTimeout(Duration.ofSeconds(5)).connect(uri));
            String host = uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
            assertTrue(e.getMessage().contains(host), e.getMessage());
            if (!jdkIncludesHostInfo()) {
                for (Throwable jdk = e.getCause(); jdk != null; jdk = jdk.getCause()) {
                    String said = String.valueOf(jdk.getMessage());
                    assertFalse(said.contains(uri.getHost()) || said.contains(String.valueOf(port)),
                            "the JDK's own words would have named it: " + jdk);
                }
            }
        }
    }

    /** Whether this JVM lets host names into socket exceptions ({@code hostInfo}, not {@code hostInfoExclSocket}). */
    private static boolean jdkIncludesHostInfo() {
        String setting = System.getProperty("jdk.includeInExceptions", Security.getProperty("jdk.includeInExceptions"));
        return setting != null && Arrays.stream(setting.split(",")).map(String::trim).anyMatch("hostInfo"::equalsIgnoreCase);
    }
}
