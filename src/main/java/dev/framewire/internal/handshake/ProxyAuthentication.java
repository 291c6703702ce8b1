package dev.framewire.internal.handshake;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Locale;

/**
 * The message for a proxy that answers the JDK's {@code CONNECT} with 407: it must never read as
 * the server's refusal, and it must say what to change, because the JDK's own rules make the
 * usual fix (an {@code Authenticator}) fail silently.
 *
 * <p>java.net.http answers only Basic challenges, and refuses to send Basic credentials to a proxy
 * while opening a {@code CONNECT} tunnel as long as the net property
 * {@code jdk.http.auth.tunneling.disabledSchemes} lists {@code Basic}, which the JDK's
 * {@code conf/net.properties} does by default. The JDK reads that property once, when the class
 * {@code jdk.internal.net.http.common.Utils} initializes (the first use of java.net.http), so only
 * a command-line {@code -Djdk.http.auth.tunneling.disabledSchemes=} changes it reliably.
 * framewire does not set it: a system property is JVM-wide, and this one is a security default
 * whose change is the application's decision.
 */
final class ProxyAuthentication {

    static final String PROPERTY = "jdk.http.auth.tunneling.disabledSchemes";

    private ProxyAuthentication() {
    }

    static String explain(String proxy, URI uri, HttpClient client, HttpHeaders headers) {
        return explain(proxy, uri, client, headers, System.getProperty(PROPERTY));
    }

    /** {@code disabledSchemes}: the value of {@link #PROPERTY} as the JVM has it, or null when unset. */
    static String explain(String proxy, URI uri, HttpClient client, HttpHeaders headers, String disabledSchemes) {
        List<String> challenges = headers.allValues("Proxy-Authenticate");
        StringBuilder out = new StringBuilder("The proxy ").append(proxy)
                .append(" refused to open a tunnel to ").append(uri).append(": HTTP 407 Proxy Authentication Required");
        if (challenges.isEmpty()) {
            return out.append(" without a Proxy-Authenticate challenge; the server itself was not reached").toString();
        }
        out.append("; it asks for ").append(String.join(", ", challenges))
                .append(" (the server itself was not reached). ");
        if (challenges.stream().noneMatch(ProxyAuthentication::isBasic)) {
            return out.append("java.net.http answers only Basic proxy authentication, so framewire cannot"
                    + " authenticate to this proxy").toString();
        }
        if (basicDisabledForTunnels(disabledSchemes)) {
            return out.append("The JDK does not send Basic credentials to a proxy through a CONNECT tunnel unless the"
                    + " JVM is started with -D" + PROPERTY + "= (empty; the JDK's default, Basic, comes from its"
                    + " conf/net.properties). Put it on the java command line: java.net.http reads it once, when"
                    + " it is first used, so setting it later has no effect. Then give your HttpClient an"
                    + " Authenticator that answers for the proxy (see \"Through a proxy\" in docs/connecting.md)")
                    .toString();
        }
        if (client.authenticator().isEmpty()) {
            return out.append("Give your HttpClient an Authenticator that answers for the proxy"
                    + " (HttpClient.newBuilder().authenticator(…); see \"Through a proxy\" in docs/connecting.md)")
                    .toString();
        }
        return out.append("The HttpClient's Authenticator gave credentials the proxy did not accept, or none").toString();
    }

    private static boolean isBasic(String challenge) {
        String scheme = challenge.trim().split("[ \t,]", 2)[0];
        return scheme.equalsIgnoreCase("Basic");
    }

    /**
     * Whether Basic is disabled for tunnels, judged from the system property's value as it is now:
     * unset (null) means the JDK's default from {@code conf/net.properties}, which is {@code Basic}.
     */
    private static boolean basicDisabledForTunnels(String value) {
        if (value == null) {
            return true;
        }
        for (String scheme : value.split(",")) {
            if (scheme.trim().toLowerCase(Locale.ROOT).equals("basic")) {
                return true;
            }
        }
        return false;
    }
}
