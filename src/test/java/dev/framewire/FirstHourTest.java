package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user meets in the first hour, as issue 22 found it: README's first command, a host
 * name with an underscore, and the API documentation as javadoc renders it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FirstHourTest {

    private static final Path POM = Path.of("pom.xml");

    @Test
    void aHostNameWithAnUnderscoreSaysWhatIsWrongAndWhatToDo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FrameSocket.connect(URI.create("ws://my_host:8080/")));
        String m = e.getMessage();
        assertTrue(m.startsWith("The host \"my_host\" in ws://my_host:8080/ is not a valid host name: \"_\" is not"
                + " allowed in a host name"), m);
        assertTrue(m.contains("network alias such as \"my-host\"") && m.contains("its IP address"), m);
        assertFalse(m.contains("Expected a URI with a host"), "the old wording told nothing: " + m);
    }

    /** The javadoc of the public package, rendered by the JDK's own tool (the JDK that runs the tests). */
    private static Path renderJavadoc(Path out) throws IOException, InterruptedException {
        Path javadoc = Path.of(System.getProperty("java.home"), "bin", "javadoc");
        assertTrue(Files.isExecutable(javadoc), "this JDK has no javadoc tool: " + javadoc);
        List<String> command = List.of(javadoc.toString(), "-quiet", "-Xdoclint:none", "-d", out.toString(),
                "--module-source-path", "dev.framewire=" + Path.of("src", "main", "java").toAbsolutePath(),
                "--module", "dev.framewire");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "javadoc did not finish");
        assertEquals(0, process.exitValue(), log);
        return out.resolve("dev.framewire").resolve("dev").resolve("framewire");
    }

    private static String text(Path page) throws IOException {
        return Files.readString(page, StandardCharsets.UTF_8).replaceAll("<[^>]+>", "").replaceAll("\\s+", " ");
    }

    @Test
    void theValueTypesReadAsSentencesInTheRenderedJavadoc(@TempDir Path out) throws Exception {
        Path pages = renderJavadoc(out);
        // "{@return x}: more" renders as "Returns x.: more".
        Pattern afterReturn = Pattern.compile("Returns [^.]{0,200}\\.[:;,]");
        for (String page : List.of("Frame.html", "CloseStatus.html", "ConnectionClosedException.html")) {
            String text = text(pages.resolve(page));
            Matcher m = afterReturn.matcher(text);
            assertFalse(m.find(), page + ": " + (m.hitEnd() ? "" : text.substring(m.start(), Math.min(text.length(), m.end() + 60))));
        }
        String closeStatus = text(pages.resolve("CloseStatus.html"));
        assertFalse(closeStatus.matches(".*value of the \\S+ record component.*"),
                "CloseStatus.code()/reason() say more than the generated 'the value of the record component'");
        assertTrue(closeStatus.contains("Returns the status code: the two bytes at the start of the Close frame"), closeStatus);
        assertFalse(closeStatus.contains("followed by the name and value of each of the record components"),
                "toString is its own, not Record's");
        String pkg = Files.readString(pages.resolve("package-summary.html"), StandardCharsets.UTF_8);
        assertTrue(pkg.contains("id=\"package-description\""), "the package has a description");
        assertTrue(text(pages.resolve("package-summary.html"))
                .contains("A blocking, frame-level WebSocket client on the JDK's own java.net.http.WebSocket"));
    }

    @Test
    void readmesFirstCommandEndsWithTheSampleAndLeavesOutTheTestFrameworks() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String first = readme.lines().filter(line -> line.startsWith("mvn ")).findFirst().orElseThrow();
        assertTrue(first.startsWith("mvn -q -Dsample test-compile exec:java "), first);

        String pom = Files.readString(POM);
        // exec:java waits 15 s for daemon threads (framewire-http-N live 30 s idle) unless told not to.
        assertTrue(pom.contains("<exec.cleanupDaemonThreads>false</exec.cleanupDaemonThreads>"), "exec.cleanupDaemonThreads");

        String always = section(pom.substring(pom.indexOf("</dependencyManagement>")), "<dependencies>", "</dependencies>");
        String tests = profile(pom, "tests");
        assertTrue(tests.matches("(?s).*<activation>\\s*<property>\\s*<name>!sample</name>.*"), tests);
        for (String framework : List.of("wiremock-standalone", "jqwik", "junit-jupiter")) {
            String artifact = "<artifactId>" + framework + "</artifactId>";
            assertFalse(always.contains(artifact), framework + " is downloaded by the sample's run too");
            assertTrue(tests.contains(artifact), framework + " is in the tests profile");
        }

        // The sample profile compiles a hand-picked list: each file must still be where it says.
        Matcher include = Pattern.compile("<testInclude>([^<]+)</testInclude>").matcher(profile(pom, "sample"));
        int files = 0;
        while (include.find()) {
            Path source = Path.of("src", "test", "java").resolve(include.group(1).trim());
            assertTrue(Files.isRegularFile(source), "the sample profile compiles " + source + ", which is gone");
            files++;
        }
        assertTrue(files > 0, "the sample profile lists the files it compiles");
    }

    /** {@return the text from the first {@code open} to the {@code close} after it} */
    private static String section(String xml, String open, String close) {
        int start = xml.indexOf(open);
        assertTrue(start >= 0, open);
        return xml.substring(start, xml.indexOf(close, start) + close.length());
    }

    private static String profile(String pom, String id) {
        int at = pom.indexOf("<id>" + id + "</id>", pom.indexOf("<profiles>"));
        assertTrue(at >= 0, "no profile " + id + " in " + POM);
        return pom.substring(at, pom.indexOf("</profile>", at));
    }
}
