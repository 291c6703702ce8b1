package dev.framewire.internal.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Authenticator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * What a proxy's 407 is explained as, for each thing the user has to change: nothing framewire
 * can do (no Basic), the JVM property, an {@code Authenticator}, or the credentials themselves.
 * {@code ConnectingTest} shows the same against a real proxy, but only with the JDK's default property.
 */
class ProxyAuthenticationTest {

    private static final URI URI_ = URI.create("wss://h.example/x");
    private static final String PROXY = "proxy.example:3128";
    private static final String HEAD = "The proxy " + PROXY + " refused to open a tunnel to " + URI_
            + ": HTTP 407 Proxy Authentication Required";
    private static final HttpClient NO_AUTHENTICATOR = HttpClient.newBuilder().build();
    private static final HttpClient WITH_AUTHENTICATOR = HttpClient.newBuilder()
            .authenticator(new Authenticator() { }).build();

    private static HttpHeaders challenges(String... values) {
        return HttpHeaders.of(values.length == 0 ? Map.of() : Map.of("Proxy-Authenticate", List.of(values)),
                (name, value) -> true);
    }

    private static String explain(HttpClient client, String disabledSchemes, String... challenges) {
        return ProxyAuthentication.explain(PROXY, URI_, client, challenges(challenges), disabledSchemes);
    }

    @Test
    void aBare407SaysTheServerWasNotReached() {
        assertEquals(HEAD + " without a Proxy-Authenticate challenge; the server itself was not reached",
                explain(NO_AUTHENTICATOR, null));
    }

    @Test
    void aProxyThatAsksOnlyForOtherSchemesCannotBeAnswered() {
        String m = explain(WITH_AUTHENTICATOR, "", "Negotiate", "Digest realm=\"r\", nonce=\"Basic\"", "Basicly x");
        assertEquals(HEAD + "; it asks for Negotiate, Digest realm=\"r\", nonce=\"Basic\", Basicly x (the server itself"
                + " was not reached). java.net.http answers only Basic proxy authentication, so framewire cannot"
                + " authenticate to this proxy", m);
    }

    @Test
    void basicIsRecognisedWhateverItsCaseAndWhatFollowsIt() {
        for (String basic : new String[] {"Basic realm=\"r\"", "  basic", "BASIC,realm=r", "Basic\trealm=r"}) {
            String m = explain(WITH_AUTHENTICATOR, null, "Negotiate", basic);
            assertTrue(m.contains("-D" + ProxyAuthentication.PROPERTY + "= (empty"), basic + ": " + m);
        }
    }

    @Test
    void basicDisabledForTunnelsAsksForTheCommandLineProperty() {
        for (String disabled : new String[] {null, "Basic", "Digest, basic ", "BASIC,Digest"}) {
            String m = explain(WITH_AUTHENTICATOR, disabled, "Basic realm=\"r\"");
            assertTrue(m.startsWith(HEAD + "; it asks for Basic realm=\"r\" (the server itself was not reached). The"
                    + " JDK does not send Basic credentials"), disabled + ": " + m);
            assertTrue(m.contains("Put it on the java command line"), m);
        }
    }

    @Test
    void withBasicAllowedTheAuthenticatorIsWhatIsMissingOrWrong() {
        for (String allowed : new String[] {"", "Digest", "Basically"}) {
            assertTrue(explain(NO_AUTHENTICATOR, allowed, "Basic").endsWith("Give your HttpClient an Authenticator"
                    + " that answers for the proxy (HttpClient.newBuilder().authenticator(…); see \"Through a proxy\""
                    + " in docs/connecting.md)"), allowed);
            assertTrue(explain(WITH_AUTHENTICATOR, allowed, "Basic").endsWith("The HttpClient's Authenticator gave"
                    + " credentials the proxy did not accept, or none"), allowed);
        }
    }
}
