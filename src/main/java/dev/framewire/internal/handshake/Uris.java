package dev.framewire.internal.handshake;

import dev.framewire.internal.Checks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The URI of a connection: what framewire accepts, and credentials in it
 * ({@code ws://user:password@host/}), taken out before the URI is shown anywhere (messages, {@code toString()}, the wire tap) or handed to the JDK, and turned into a
 * Basic {@code Authorization} header of the upgrade request.
 */
public final class Uris {

    private static final String AUTHORIZATION = "Authorization";

    private Uris() {
    }

    /**
     * {@return {@code uri}}, refusing anything but an absolute {@code ws://} or {@code wss://} URI
     * with a host and without a fragment.
     *
     * @throws NullPointerException     if {@code uri} is {@code null}
     * @throws IllegalArgumentException if {@code uri} is not such a URI
     */
    public static URI requireWebSocketUri(URI uri) {
        Checks.requireNonNull(uri, "uri");
        URI shown = withoutUserInfo(uri); // never a password in a message
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Checks.requireArgument(scheme.equals("ws") || scheme.equals("wss"), "Expected a ws:// or wss:// URI: %s", shown);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(noHost(shown)); // names the part that is not a host
        }
        Checks.requireArgument(uri.getRawFragment() == null, "Expected a URI without a fragment: %s", shown);
        return uri;
    }

    /** {@return {@code uri} without its user-info; {@code uri} itself when it has none} */
    public static URI withoutUserInfo(URI uri) {
        if (uri.getHost() == null) {
            // A registry-based authority ("user:pw@not a host") hides its user-info from
            // getRawUserInfo, yet toString would print it.
            String authority = uri.getRawAuthority();
            return authority == null || !authority.contains("@") ? uri
                    : URI.create(uri.toString().replace(authority, authority.substring(authority.lastIndexOf('@') + 1)));
        }
        if (uri.getRawUserInfo() == null) {
            return uri;
        }
        // Rebuilt from the raw parts, so that no escaping changes on the way.
        return URI.create(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment()));
    }

    /**
     * Explains why {@code uri} has no host ({@link URI#getHost()} is {@code null}) and what to do:
     * the message that refuses such a {@code ws://} or {@code wss://} URI.
     *
     * <p>{@code java.net.URI} parses an authority that is not a valid host name, such as
     * {@code my_host:8080} (an underscore, as in Docker Compose service names), as a
     * registry-based authority with no host, and java.net.http cannot connect to it. The message
     * names the host part and the characters that make it invalid.
     *
     * @param uri the URI as it may be shown (without credentials)
     * @return the message
     */
    public static String noHost(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            return "Expected a URI with a host: " + uri;
        }
        String host = authority.substring(authority.lastIndexOf('@') + 1).replaceFirst(":[0-9]*$", "");
        if (host.isEmpty()) {
            return "Expected a URI with a host: " + uri + " has a port but no host name; put the host before the"
                    + " port, as in ws://example.com:8080/";
        }
        StringBuilder invalid = new StringBuilder();
        host.codePoints().filter(c -> !(c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '.')))
                .distinct().forEach(c -> invalid.append(invalid.length() == 0 ? "" : ", ")
                        .append('"').appendCodePoint(c).append('"'));
        String why = invalid.length() == 0 ? "a label of a host name may not start or end with a hyphen, nor be empty"
                : invalid + (invalid.indexOf(",") < 0 ? " is" : " are")
                        + " not allowed in a host name (letters, digits, hyphens and dots only)";
        StringBuilder out = new StringBuilder("The host \"").append(host).append("\" in ").append(uri)
                .append(" is not a valid host name: ").append(why)
                .append(", so java.net.URI (and java.net.http with it) finds no host in this URI. ");
        if (host.indexOf('_') >= 0) {
            out.append("Give the host a name without \"_\" (for a Docker Compose service, rename it or add a network"
                    + " alias such as \"").append(host.replace('_', '-')).append("\"), or connect to its IP address");
        } else {
            out.append("Connect with a valid host name or the host's IP address");
        }
        return out.toString();
    }

    /**
     * {@return the upgrade request's headers: {@code headers}, plus a Basic {@code Authorization}
     * header made of {@code uri}'s user-info if it has one}
     *
     * @throws IllegalArgumentException if the URI has user-info and {@code headers} already hold an
     *                                  {@code Authorization} header: one of the two would be lost
     */
    public static List<Map.Entry<String, String>> withCredentials(List<Map.Entry<String, String>> headers, URI uri) {
        String userInfo = uri.getUserInfo(); // percent-decoded
        if (userInfo == null) {
            return headers;
        }
        for (Map.Entry<String, String> header : headers) {
            Checks.requireArgument(!header.getKey().equalsIgnoreCase(AUTHORIZATION),
                    "The URI %s carries credentials and an Authorization header was set too; use one of them",
                    withoutUserInfo(uri));
        }
        String basic = "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        List<Map.Entry<String, String>> all = new ArrayList<>(headers);
        all.add(Map.entry(AUTHORIZATION, basic));
        return List.copyOf(all);
    }
}
