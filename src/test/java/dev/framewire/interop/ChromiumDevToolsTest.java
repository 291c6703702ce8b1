package dev.framewire.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.framewire.CloseStatus;
import dev.framewire.FrameSocket;
import dev.framewire.Message;
import dev.framewire.Opcode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A WebSocket server nobody wrote for framewire: headless Chromium's DevTools endpoint (the
 * Chrome DevTools Protocol that Puppeteer and Playwright speak). The browser writes its endpoint
 * to {@code DevToolsActivePort} in its profile directory; the test reads it, attaches to a page
 * and sends commands as JSON text messages. {@code docs/interop.md} has what each test showed.
 */
@Tag("interop")
@Requires(program = "chromium", debianPackage = "chromium")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChromiumDevToolsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int BIG = 3 << 20; // 3 MiB: over the 2 MB the issue asks for

    private static Intermediary chromium;
    private static URI browser;

    @BeforeAll
    static void start() throws Exception {
        Path binary = Intermediary.find("chromium", "chromium");
        System.out.println("interop: " + Intermediary.version(binary.toString(), "--version"));
        Path dir = Intermediary.directory("chromium");
        Path profile = dir.resolve("profile");
        Path activePort = profile.resolve("DevToolsActivePort");
        // The flags this kind of machine documents for headless Chromium as root, with no network
        // beyond loopback: no sandbox (root), no GPU, and no background connections.
        List<String> command = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank");
        chromium = Intermediary.start("chromium", dir, command, Duration.ofSeconds(60),
                () -> readable(activePort).lines().count() >= 2);
        List<String> lines = readable(activePort).lines().toList();
        browser = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
        System.out.println("interop: Chromium's DevTools endpoint " + browser);
    }

    private static String readable(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
    }

    /** One DevTools connection: numbered commands, their answers, and the events between them. */
    private static final class DevTools {
        private final FrameSocket ws;
        private final List<String> events = new ArrayList<>();
        private int nextId = 1;

        DevTools(FrameSocket ws) {
            this.ws = ws;
        }

        /** Sends a command and returns its answer, keeping the events that arrive before it. */
        String call(String sessionId, String method, String params) throws IOException {
            int id = nextId++;
            ws.sendText("{\"id\":" + id + (sessionId == null ? "" : ",\"sessionId\":\"" + sessionId + "\"")
                    + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
            String answer = "{\"id\":" + id + ",";
            while (true) {
                Message m = ws.readMessage(WAIT);
                assertEquals(Opcode.TEXT, m.type(), "DevTools speaks JSON text");
                String text = m.text();
                if (text.startsWith(answer)) {
                    assertTrue(!text.contains("\"error\":{") || text.indexOf("\"error\":{") > 1000, text);
                    return text;
                }
                events.add(text);
            }
        }

        /** Reads events until one named {@code method} arrived; returns the names of all seen. */
        List<String> awaitEvent(String method) throws IOException {
            List<String> names = new ArrayList<>();
            for (String e : events) {
                names.add(field(e, "method"));
            }
            while (!names.contains(method)) {
                String text = ws.readMessage(WAIT).text();
                events.add(text);
                names.add(field(text, "method"));
            }
            return names;
        }
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "(no " + name + ")";
    }

    /** Opens a page and attaches to it with a flat session; returns the session id. */
    private static String attachToNewPage(DevTools cdp) throws IOException {
        String created = cdp.call(null, "Target.createTarget", "{\"url\":\"about:blank\"}");
        String targetId = field(created, "targetId");
        String attached = cdp.call(null, "Target.attachToTarget", "{\"targetId\":\"" + targetId + "\",\"flatten\":true}");
        return field(attached, "sessionId");
    }

    @Test
    void commandsAndAnswersOver2MbBothWays() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(browser)) {
            DevTools cdp = new DevTools(ws);
            String version = cdp.call(null, "Browser.getVersion", "{}");
            System.out.println("interop: " + version);
            String session = attachToNewPage(cdp);

            // An answer of 3 MiB: a string the page makes.
            long start = System.nanoTime();
            String big = cdp.call(session, "Runtime.evaluate",
                    "{\"expression\":\"'x'.repeat(" + BIG + ")\",\"returnByValue\":true}");
            long answerMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(big.length() > BIG, "answer of " + big.length() + " chars");
            assertTrue(big.contains("\"value\":\"xxxxxxxx"), big.substring(0, 200));

            // A command of 3 MiB: a string literal the page measures.
            start = System.nanoTime();
            String measured = cdp.call(session, "Runtime.evaluate",
                    "{\"expression\":\"'" + "y".repeat(BIG) + "'.length\",\"returnByValue\":true}");
            long commandMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(measured.contains("\"value\":" + BIG), measured);
            System.out.println("interop: chromium 3 MiB answer in " + answerMillis + " ms, 3 MiB command in "
                    + commandMillis + " ms");
        }
    }

    @Test
    void anEventStreamFromANavigation() throws Exception {
        try (FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(browser)) {
            DevTools cdp = new DevTools(ws);
            String session = attachToNewPage(cdp);
            cdp.call(session, "Page.enable", "{}");
            cdp.call(session, "Page.navigate", "{\"url\":\"data:text/html,<title>framewire</title><p>events</p>\"}");
            List<String> events = cdp.awaitEvent("Page.loadEventFired");
            System.out.println("interop: chromium events " + events);
            assertTrue(events.contains("Page.frameNavigated"), events.toString());
            assertTrue(events.indexOf("Page.frameNavigated") < events.indexOf("Page.loadEventFired"), events.toString());
            String title = cdp.call(session, "Runtime.evaluate", "{\"expression\":\"document.title\"}");
            assertTrue(title.contains("\"value\":\"framewire\""), title);
        }
    }

    @Test
    void close1000IsAnsweredWith1000WithoutTheReason() throws Exception {
        FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(browser);
        new DevTools(ws).call(null, "Browser.getVersion", "{}");
        long start = System.nanoTime();
        ws.close(CloseStatus.NORMAL_CLOSURE, "done");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        CloseStatus status = ws.closeStatus().orElseThrow();
        System.out.println("interop: chromium answered Close 1000 with " + status + " in " + millis + " ms");
        assertEquals(CloseStatus.NORMAL_CLOSURE, status.code(), status.toString());
        // Jetty, python websockets and the Autobahn server echo the reason; Chromium answers with the code alone.
        assertEquals("", status.reason(), status.toString());
        assertTrue(millis < 4000, "close() took " + millis + " ms: it waited for an answer that did not come");
        assertTrue(!ws.isOpen());
        assertTrue(chromium.isAlive(), "the browser outlives its DevTools connection");
    }
}
