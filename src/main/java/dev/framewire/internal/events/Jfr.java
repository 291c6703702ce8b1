package dev.framewire.internal.events;

import java.util.Optional;

/**
 * Whether the JDK Flight Recorder's API ({@code jdk.jfr}) is there at run time. framewire
 * {@code requires static jdk.jfr}: a runtime linked without it, or a module graph that does not
 * resolve it, still runs framewire, with no events.
 *
 * <p>Why a flag checked before every use, and not a try around the first event: only the class
 * {@link Recorded} names {@code jdk.jfr} types, and it is loaded only behind this flag, so on a
 * runtime without {@code jdk.jfr} no class that needs it is ever loaded or linked (a
 * {@code NoClassDefFoundError} caught once would leave the JVM's resolution error behind for
 * every later call).
 */
final class Jfr {

    /** Whether {@code jdk.jfr} is present and readable by framewire's module. Decided once. */
    static final boolean AVAILABLE = available();

    private Jfr() {
    }

    private static boolean available() {
        Module self = Jfr.class.getModule();
        ModuleLayer layer = self.getLayer() != null ? self.getLayer() : ModuleLayer.boot();
        Optional<Module> jfr = layer.findModule("jdk.jfr");
        return jfr.isPresent() && self.canRead(jfr.get());
    }
}
