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
 * Log tags ({@code fw-} and eight hex digits) name one connection: never two in one JVM run, and
 * not the same ones in the next run. A tag drawn at random per connection collides by the birthday
 * bound (300,000 connections hold a repeat with probability 1 - 3e-5); a counter alone would give
 * every run the same tags.
 */
class WireTapTagTest {

    private static final URI URI_ = URI.create("ws://h/");

    @Test
    void noTwoConnectionsOfARunShareATag() {
        int connections = 300_000;
        Set<String> tags = new HashSet<>(connections * 2);
        for (int i = 0; i < connections; i++) {
            String tag = new WireTap(URI_).tag();
            assertTrue(tags.add(tag), "tag " + tag + " repeated after " + i + " connections");
        }
    }

    @Test
    void aTagIsFwAndEightHexDigitsAndNeighboursLookUnalike() {
        String a = new WireTap(URI_).tag();
        String b = new WireTap(URI_).tag();
        assertTrue(a.matches("fw-[0-9a-f]{8}"), a);
        assertTrue(b.matches("fw-[0-9a-f]{8}"), b);
        int differing = Integer.bitCount(Integer.parseUnsignedInt(a.substring(3), 16) ^ Integer.parseUnsignedInt(b.substring(3), 16));
        assertTrue(differing > 4, a + " and " + b + " differ in " + differing + " bits only");
    }

    @Test
    void mixIsABijectionOnTheCounter() {
        // Distinct inputs give distinct outputs: checked on a window around zero and the wrap-around.
        Set<Integer> seen = new HashSet<>();
        for (int i = -50_000; i < 50_000; i++) {
            assertTrue(seen.add(WireTap.mix(i)), "mix(" + i + ") repeated");
        }
        assertEquals(0, WireTap.mix(0), "MurmurHash3's finalizer keeps 0 at 0: the start is random, not 0");
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
                System.out.println(new WireTap(URI_).tag());
            }
        }
    }
}
