package dev.framewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Log tags ({@code fw-} and eight hex digits) tell the lines of one connection from another's, and
 * are not the same in the next JVM run. They are drawn at random per connection: a counter would
 * be JVM-wide mutable state, which framewire's main code keeps none of. The price is the birthday
 * bound (two connections of one JVM share a tag with probability 1/2 at about 77,000 connections);
 * a line also carries the URI.
 */
class ConnectionLogTagTest {

    private static final URI URI_ = URI.create("ws://h/");

    @Test
    void aTagIsFwAndEightHexDigits() {
        for (int i = 0; i < 100; i++) {
            String tag = new ConnectionLog(URI_).tag();
            assertTrue(tag.matches("fw-[0-9a-f]{8}"), tag);
        }
    }

    @Test
    void twoJvmRunsStartWithDifferentTags() throws Exception {
        String first = firstTagsOfAFreshJvm();
        String second = firstTagsOfAFreshJvm();
        assertEquals(3, first.lines().count(), first);
        assertNotEquals(first, second, "two runs gave the same first tags:\n" + first);
        Set<String> all = new HashSet<>(first.lines().toList());
        all.addAll(second.lines().toList());
        assertEquals(6, all.size(), first + second);
    }

    private static String firstTagsOfAFreshJvm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                FirstTags.class.getName())).redirectErrorStream(true).start();
        child.getOutputStream().close();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM did not end");
        assertEquals(0, child.exitValue(), out);
        return out;
    }

    /** Run in a fresh JVM: prints the tags of its first three connections, one a line. */
    static final class FirstTags {
        private FirstTags() {
        }

        public static void main(String[] args) {
            for (int i = 0; i < 3; i++) {
                System.out.println(new ConnectionLog(URI_).tag());
            }
        }
    }
}
