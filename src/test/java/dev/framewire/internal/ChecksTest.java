package dev.framewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;

import org.junit.jupiter.api.Test;

/** Each URI refusal names what is wrong, before the JDK sees the URI (its own messages say less). */
class ChecksTest {

    private static String refusal(String uri) {
        return assertThrows(IllegalArgumentException.class, () -> Checks.requireWebSocketUri(URI.create(uri))).getMessage();
    }

    @Test
    void eachWrongPartOfAUriIsNamed() {
        assertEquals("Expected a ws:// or wss:// URI: http://h/x", refusal("http://h/x"));
        assertEquals("Expected a ws:// or wss:// URI: /x", refusal("/x"));
        assertEquals("Expected a URI with a host: ws:///x", refusal("ws:///x"));
        assertEquals("Expected a URI without a fragment: ws://h/x#f", refusal("ws://h/x#f"));
        // A registry-based authority (no host for java.net.URI) says which characters made it one.
        String underscore = refusal("ws://u:secret@my_host:8080/");
        assertTrue(underscore.startsWith("The host \"my_host\" in ws://my_host:8080/ is not a valid host name: \"_\""),
                underscore);
        assertFalse(underscore.contains("secret"), underscore);
        String withPassword = refusal("http://u:secret@h/x");
        assertEquals("Expected a ws:// or wss:// URI: http://h/x", withPassword, "the password is never shown");
    }

    @Test
    void wsAndWssInAnyCaseAreAccepted() {
        URI upper = URI.create("WSS://h/x");
        assertSame(upper, Checks.requireWebSocketUri(upper));
        URI plain = URI.create("ws://h:1/x?q");
        assertSame(plain, Checks.requireWebSocketUri(plain));
    }
}
