package dev.framewire.internal.handshake;

import dev.framewire.internal.Checks;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a caller may put into the upgrade request: header names and values, and subprotocols.
 * Checked when the builder is given them, so that a bad one fails with a message that names it,
 * before anything is sent (the JDK's own refusals come at connect time and say less).
 */
public final class HeaderRules {

    /** Header names the JDK sets itself and refuses from callers (case-insensitive). */
    private static final Set<String> FORBIDDEN_HEADERS = forbiddenHeaders();

    private HeaderRules() {
    }

    private static Set<String> forbiddenHeaders() {
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(List.of("Connection", "Content-Length", "Expect", "Host", "Upgrade",
                "Sec-WebSocket-Accept", "Sec-WebSocket-Extensions", "Sec-WebSocket-Key",
                "Sec-WebSocket-Protocol", "Sec-WebSocket-Version"));
        return Collections.unmodifiableSet(names);
    }

    /**
     * {@return the header as an entry}, refusing a name that is not an HTTP token or that the
     * handshake sets itself, and a value with control characters or chars beyond U+00FF
     *
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if the name or value is not allowed
     */
    public static Map.Entry<String, String> header(String name, String value) {
        Checks.requireNonNull(name, "header name");
        Checks.requireNonNull(value, "header value");
        Checks.requireArgument(isToken(name), "Invalid header name: \"%s\"", escape(name));
        Checks.requireArgument(!FORBIDDEN_HEADERS.contains(name),
                "Header \"%s\" is set by the WebSocket handshake itself and cannot be set by callers", name);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            Checks.requireArgument((c >= 0x20 && c != 0x7F && c <= 0xFF) || c == '\t',
                    "Invalid character U+%04X at index %d in the value of header \"%s\": \"%s\"",
                    (int) c, i, name, escape(value));
        }
        return new AbstractMap.SimpleImmutableEntry<>(name, value);
    }

    /**
     * {@return the subprotocols as a list}, refusing one that is not an HTTP token or appears twice
     *
     * @throws NullPointerException     if the array or an element is {@code null}
     * @throws IllegalArgumentException if one is not a token, or appears twice
     */
    public static List<String> subprotocols(String... subprotocols) {
        Checks.requireNonNull(subprotocols, "subprotocols");
        List<String> list = new ArrayList<>();
        for (String p : subprotocols) {
            Checks.requireNonNull(p, "subprotocol");
            Checks.requireArgument(isToken(p), "Invalid subprotocol: \"%s\"", escape(p));
            Checks.requireArgument(!list.contains(p), "Duplicate subprotocol: \"%s\"", p);
            list.add(p);
        }
        return List.copyOf(list);
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean tchar = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }

    /** Shows control characters in messages instead of printing them raw. */
    private static String escape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
