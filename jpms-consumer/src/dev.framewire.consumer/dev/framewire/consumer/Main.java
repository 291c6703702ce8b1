package dev.framewire.consumer;

import dev.framewire.CloseStatus;
import dev.framewire.FrameSocket;
import dev.framewire.Opcode;

import java.lang.module.ModuleDescriptor;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Proves that framewire works as a named module: this module reads it through
 * {@code requires dev.framewire} alone (java.net.http comes along transitively), uses its API,
 * and cannot reach its internal package.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Module framewire = FrameSocket.class.getModule();
        check(framewire.isNamed() && framewire.getName().equals("dev.framewire"), "framewire is the named module dev.framewire");
        ModuleDescriptor descriptor = framewire.getDescriptor();
        check(!descriptor.isAutomatic() && !descriptor.isOpen(), "framewire is neither automatic nor open");
        Set<String> exports = descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        check(exports.equals(Set.of("dev.framewire")), "framewire exports only dev.framewire: " + exports);

        // java.net.http is readable here only because framewire requires it transitively.
        HttpClient client = HttpClient.newBuilder().build();
        FrameSocket.Builder builder = FrameSocket.newBuilder().httpClient(client).subprotocols("chat");
        check(Opcode.of(9) == Opcode.PING && CloseStatus.of(1000, "").code() == 1000, "the API is usable");
        try {
            builder.connect(URI.create("http://localhost/"));
            check(false, "an http:// URI must be refused");
        } catch (IllegalArgumentException expected) {
            check(expected.getMessage().contains("http://localhost/"), "the refusal names the URI");
        }

        Class<?> internal = Class.forName("dev.framewire.internal.Checks");
        check(!Main.class.getModule().canRead(internal.getModule()) || !internal.getModule().isExported("dev.framewire.internal"),
                "dev.framewire.internal is not exported");
        try {
            internal.getMethod("requireNonNull", Object.class, String.class).invoke(null, "x", "x");
            check(false, "calling into dev.framewire.internal must be refused");
        } catch (IllegalAccessException expected) {
            // strong encapsulation holds
        }
        System.out.println("dev.framewire.consumer: framewire works as a named module (" + descriptor.toNameAndVersion() + ")");
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("JPMS check failed: " + what);
        }
    }
}
