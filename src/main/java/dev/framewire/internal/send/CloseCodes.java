package dev.framewire.internal.send;

import dev.framewire.CloseStatus;
import dev.framewire.internal.Checks;
import dev.framewire.internal.Utf8;

/**
 * Which close codes and reasons a client may send: RFC 6455 section 7.4, narrowed to what
 * {@code java.net.http} accepts. All close-code rules live here.
 *
 * <p>The JDK refuses to send 1002, 1003, 1007, 1009, 1010 and 1012-1014 from a client (it
 * treats them as codes only an endpoint that detected the condition itself, or a server, sends),
 * so framewire refuses them up front with a message instead of a failed send.
 */
public final class CloseCodes {

    /** The longest close reason, in UTF-8 bytes: 125 bytes of control payload less the code. */
    public static final int MAX_REASON_BYTES = 123;

    private CloseCodes() {
    }

    /** {@return whether a client may send {@code code} through {@code java.net.http}} */
    public static boolean isSendable(int code) {
        return code == CloseStatus.NORMAL_CLOSURE || code == CloseStatus.GOING_AWAY || code == CloseStatus.POLICY_VIOLATION
                || code == CloseStatus.INTERNAL_ERROR || (code >= 3000 && code <= 4999);
    }

    /**
     * Checks a close code and reason before anything is sent.
     *
     * @throws IllegalArgumentException if the code may not be sent, or the reason is too long or
     *                                  holds an unpaired surrogate
     * @throws NullPointerException     if {@code reason} is {@code null}
     */
    public static void requireSendable(int code, String reason) {
        Checks.requireNonNull(reason, "reason");
        if (!isSendable(code)) {
            throw new IllegalArgumentException("Close code " + code + " cannot be sent by a client"
                    + describeRefusal(code)
                    + "; use 1000 (normal), 1001 (going away), 1008 (policy violation), 1011 (internal error)"
                    + " or an application code 3000-4999");
        }
        int unpaired = Utf8.firstUnpairedSurrogate(reason, false);
        Checks.requireArgument(unpaired == Utf8.NONE,
                "Close reason has an unpaired surrogate at index %d: \"%s\"", unpaired, reason);
        long bytes = Utf8.encodedLength(reason);
        Checks.requireArgument(bytes <= MAX_REASON_BYTES,
                "Close reason is %d UTF-8 bytes, at most %d allowed: \"%s\"", bytes, MAX_REASON_BYTES, reason);
    }

    private static String describeRefusal(int code) {
        if (code == 1005 || code == 1006 || code == 1015) {
            return " (RFC 6455 reserves it for reporting; it never appears on the wire)";
        }
        if (code < 1000 || code > 4999) {
            return " (outside the range 1000-4999 of close codes)";
        }
        if (code == 1004 || (code >= 1016 && code <= 2999)) {
            return " (unassigned or reserved for future RFCs)";
        }
        return code < 3000 ? " (java.net.http lets only servers, or the JDK itself, send it)" : "";
    }
}
