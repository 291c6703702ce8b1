package dev.framewire.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Keeps the code in README.md and docs/ identical to compiled, tested code: every {@code java}
 * block must follow a marker {@code <!-- snippet: FILE#TAG -->} naming a region of a source file
 * under src/test/java between {@code // tag::TAG[]} and {@code // end::TAG[]}, and must equal
 * that region (less its common indentation). DocsExamplesTest runs those regions.
 */
class DocsSnippetsTest {

    private static final Path SOURCES = Path.of("src", "test", "java");
    private static final Pattern BLOCK = Pattern.compile(
            "(?:<!-- snippet: (\\S+)#(\\S+) -->\\s*\\n)?```java\\n(.*?)```", Pattern.DOTALL);

    @TestFactory
    Stream<DynamicTest> everyJavaBlockInTheDocsIsCompiledCode() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(Path.of("README.md"));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path page : pages) {
            Matcher m = BLOCK.matcher(Files.readString(page));
            int n = 0;
            while (m.find()) {
                n++;
                String file = m.group(1);
                String tag = m.group(2);
                String block = m.group(3);
                tests.add(DynamicTest.dynamicTest(page + " block " + n + (file == null ? "" : " (" + file + "#" + tag + ")"),
                        () -> {
                            if (file == null) {
                                fail("java block without a <!-- snippet: FILE#TAG --> marker:\n" + block);
                            }
                            assertEquals(region(SOURCES.resolve(file), tag), block, "the page drifted from the code");
                        }));
            }
        }
        assertFalse(tests.isEmpty(), "no java blocks found: the pattern is broken");
        return tests.stream();
    }

    static String region(Path source, String tag) throws IOException {
        List<String> lines = Files.readAllLines(source);
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.equals("// tag::" + tag + "[]")) {
                start = i + 1;
            } else if (line.equals("// end::" + tag + "[]")) {
                end = i;
            }
        }
        assertTrue(start >= 0 && end >= start, "no region " + tag + " in " + source);
        List<String> region = lines.subList(start, end);
        int indent = region.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String l : region) {
            out.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return out.toString();
    }
}
