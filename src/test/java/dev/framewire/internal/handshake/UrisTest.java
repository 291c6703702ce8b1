package dev.framewire.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;

import org.junit.jupiter.api.Test;

/**
 * Credentials taken out of a URI before it is shown: in messages, logs and {@code toString}. The
 * end-to-end side (the header sent, the URI in errors) is {@code ConnectingTest.CredentialsInTheUri}'s.
 */
class UrisTest {

    @Test
    void userInfoIsRemovedAndNothingElseChanges() {
        URI uri = URI.create("ws://user:pw@h.example:8080/user:pw@h.example:8080/c%20d?q=1#f");
        assertEquals("ws://h.example:8080/user:pw@h.example:8080/c%20d?q=1#f", Uris.withoutUserInfo(uri).toString(),
                "only the authority's user-info goes, even where the same text appears later");
        URI plain = URI.create("ws://h.example/x");
        assertSame(plain, Uris.withoutUserInfo(plain));
    }

    @Test
    void aRegistryBasedAuthorityLosesItsUserInfoToo() throws Exception {
        URI registry = new URI("ws://user:pw@not_a_host:80/x"); // '_' is no host name: no host, no user-info
        assertNull(registry.getHost());
        assertNull(registry.getRawUserInfo());
        assertEquals("ws://not_a_host:80/x", Uris.withoutUserInfo(registry).toString());
        URI noUser = new URI("ws://not_a_host:80/x");
        assertSame(noUser, Uris.withoutUserInfo(noUser));
    }

    private static String refusal(String uri) {
        return assertThrows(IllegalArgumentException.class, () -> Uris.requireWebSocketUri(URI.create(uri))).getMessage();
    }

    /** Each URI refusal names what is wrong, before the JDK sees the URI (its own messages say less). */
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
        assertSame(upper, Uris.requireWebSocketUri(upper));
        URI plain = URI.create("ws://h:1/x?q");
        assertSame(plain, Uris.requireWebSocketUri(plain));
    }

    @Test
    void aHostNameWithAnUnderscoreIsNamedWithWhatToDo() {
        assertEquals("The host \"my_host\" in ws://my_host:8080/ is not a valid host name: \"_\" is not allowed in a"
                + " host name (letters, digits, hyphens and dots only), so java.net.URI (and java.net.http with it)"
                + " finds no host in this URI. Give the host a name without \"_\" (for a Docker Compose service,"
                + " rename it or add a network alias such as \"my-host\"), or connect to its IP address",
                Uris.noHost(URI.create("ws://my_host:8080/")));
        String two = Uris.noHost(URI.create("wss://a_b~c/x"));
        assertTrue(two.startsWith("The host \"a_b~c\" in wss://a_b~c/x is not a valid host name: \"_\", \"~\" are not"), two);
        String hyphen = Uris.noHost(URI.create("ws://-bad-.example:1/"));
        assertTrue(hyphen.contains("\"-bad-.example\" in ws://-bad-.example:1/ is not a valid host name: a label of a"
                + " host name may not start or end with a hyphen"), hyphen);
        assertTrue(hyphen.endsWith("Connect with a valid host name or the host's IP address"), hyphen);
        assertEquals("Expected a URI with a host: ws://:8080/ has a port but no host name; put the host before the port,"
                + " as in ws://example.com:8080/", Uris.noHost(URI.create("ws://:8080/")));
        assertEquals("Expected a URI with a host: ws:///x", Uris.noHost(URI.create("ws:///x")));
    }
}
