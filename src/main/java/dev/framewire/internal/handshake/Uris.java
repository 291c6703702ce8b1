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
        Checks.requireArgument(uri.getHost() != null, "Expected a URI with a host: %s", shown);
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
