package dev.framewire.testkit.consumer;

import dev.framewire.CloseStatus;
import dev.framewire.FrameSocket;
import dev.framewire.Message;
import dev.framewire.Opcode;
import dev.framewire.testkit.ScriptedServer;
import dev.framewire.testkit.Writes;

import java.lang.module.ModuleDescriptor;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Proves that the testkit works as a named module beside framewire, without JUnit: this module
 * reads it through {@code requires dev.framewire.testkit} alone, and runs one scripted test, a
 * server that sends a message in fragments one byte per write and closes.
 */
public final class Main {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Module testkit = ScriptedServer.class.getModule();
        check(testkit.isNamed() && testkit.getName().equals("dev.framewire.testkit"), "the testkit is the named module dev.framewire.testkit");
        ModuleDescriptor descriptor = testkit.getDescriptor();
        check(!descriptor.isAutomatic() && !descriptor.isOpen(), "the testkit is neither automatic nor open");
        Set<String> exports = descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        check(exports.equals(Set.of("dev.framewire.testkit")), "the testkit exports only dev.framewire.testkit: " + exports);
        Set<String> required = descriptor.requires().stream()
                .filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                .map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        check(required.equals(Set.of("java.base", "java.net.http")), "the testkit needs nothing but the JDK at run time: " + required);
        check(ModuleLayer.boot().findModule("org.junit.jupiter.api").isEmpty(), "JUnit is not on the module path, and not needed");

        try (ScriptedServer server = ScriptedServer.start(connection -> {
                 connection.received().expectText("ready");                 // the client speaks first
                 connection.writes(Writes.oneBytePerWrite());
                 connection.sendTextFragments("hel", "lo");
                 connection.writes(Writes.whole());
                 connection.sendClose(1000, "bye");
                 connection.received().expectClose(1000);
             });
             FrameSocket ws = FrameSocket.newBuilder().readTimeout(WAIT).connect(server.uri())) {
            ws.sendText("ready");
            Message message = ws.readMessage(); // readFrame would return the parts as they trickle in
            check(message.type() == Opcode.TEXT && message.text().equals("hello"), "the message: " + message);
            check(ws.readFrame().opcode() == Opcode.CLOSE, "then the server's Close");
            check(ws.closeStatus().orElseThrow().equals(CloseStatus.of(1000, "bye")), "its status: " + ws.closeStatus());
            server.awaitScripts(WAIT);
        }
        System.out.println("testkit-consumer: the testkit works as a named module, and its scripted test passed");
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("testkit-consumer: " + what);
        }
    }
}
