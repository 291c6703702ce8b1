package dev.framewire;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Header names and values at the edges of what HTTP allows, checked before anything is sent. */
class BuilderChecksTest {

    @Test
    void headerNamesMayUseEveryTokenCharacterUpToTheRangeEdges() {
        FrameSocket.Builder b = FrameSocket.newBuilder();
        for (String name : new String[] {"X-09", "x-az", "X-AZ", "!#$%&'*+-.^_`|~"}) {
            assertDoesNotThrow(() -> b.header(name, "v"), name);
        }
        for (String name : new String[] {"X/", "X:", "X@", "X[", "X`{", "", "X Y"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.header(name, "v"), name);
            assertEquals("Invalid header name: \"" + name + "\"", e.getMessage());
        }
        assertDoesNotThrow(() -> b.subprotocols("v1.chat", "Z0"));
        assertThrows(IllegalArgumentException.class, () -> b.subprotocols("a/b"));
    }

    @Test
    void headerValuesMayHoldVisibleLatin1SpaceAndTab() {
        FrameSocket.Builder b = FrameSocket.newBuilder();
        assertDoesNotThrow(() -> b.header("X", " \t~\u00A0\u00FF"));
        for (char bad : new char[] {'\u001F', '\u007F', '\u0100', '\n'}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.header("X", "a" + bad));
            assertEquals(String.format("Invalid character U+%04X at index 1", (int) bad),
                    e.getMessage().substring(0, e.getMessage().indexOf(" in the value")));
        }
    }
}
