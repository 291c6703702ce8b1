package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code module-info.java}: the compiled module descriptor is the contract with module-path users,
 * so it is checked exactly, on every build. Named for the file it checks, as a white-box test is
 * named for its class. {@code jpms-consumer/run.sh} (run by .ci/run, not by {@code mvn verify})
 * checks the same module from outside: a consumer module compiled and run against the jar.
 */
class ModuleInfoTest {

    private static ModuleDescriptor descriptor() throws Exception {
        try (InputStream in = Files.newInputStream(Path.of("target", "classes", "module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    @Test
    void isTheNamedModuleDevFramewireNeitherOpenNorAutomatic() throws Exception {
        ModuleDescriptor d = descriptor();
        assertEquals("dev.framewire", d.name());
        assertFalse(d.isOpen());
        assertFalse(d.isAutomatic());
        assertEquals(Set.of(), d.opens());
    }

    @Test
    void exportsOnlyThePublicPackageToEveryone() throws Exception {
        ModuleDescriptor d = descriptor();
        assertEquals(Set.of("dev.framewire"), d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertFalse(d.exports().iterator().next().isQualified());
    }

    @Test
    void requiresOnlyJavaBaseTransitivelyJavaNetHttpAndOptionallyJdkJfr() throws Exception {
        Map<String, Set<Requires.Modifier>> requires = descriptor().requires().stream()
                .collect(Collectors.toMap(Requires::name, Requires::modifiers));
        assertEquals(Map.of(
                "java.base", Set.of(Requires.Modifier.MANDATED),
                "java.net.http", Set.of(Requires.Modifier.TRANSITIVE),
                "jdk.jfr", Set.of(Requires.Modifier.STATIC)), requires); // docs/observing.md: events only if present
    }
}
