package dev.framewire.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;

import org.junit.jupiter.api.Test;

/**
 * Credentials taken out of a URI before it is shown: in messages, logs and {@code toString}. The
 * end-to-end side (the header sent, the URI in errors) is {@code UriCredentialsTest}'s.
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
}
