package dev.framewire.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

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
}
