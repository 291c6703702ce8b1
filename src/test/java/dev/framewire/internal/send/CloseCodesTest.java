package dev.framewire.internal.send;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * Which close codes a client may send, at every edge of RFC 6455's ranges, and the reason a
 * refusal gives: a user who picked a wrong code learns from the message why it is wrong.
 */
class CloseCodesTest {

    private static String refusal(int code) {
        return assertThrows(IllegalArgumentException.class, () -> CloseCodes.requireSendable(code, "")).getMessage();
    }

    @Test
    void exactlyTheCodesJavaNetHttpSendsForAClientAreSendable() {
        int[] sendable = IntStream.rangeClosed(0, 70_000).filter(CloseCodes::isSendable).toArray();
        int[] expected = IntStream.concat(IntStream.of(1000, 1001, 1008, 1011), IntStream.rangeClosed(3000, 4999)).toArray();
        assertEquals(expected.length, sendable.length);
        assertEquals(IntStream.of(expected).boxed().toList(), IntStream.of(sendable).boxed().toList());
    }

    @Test
    void everyRefusalNamesTheCodeAndTheCodesThatMayBeSent() {
        for (int code : new int[] {-1, 0, 999, 1002, 1004, 1005, 2999, 5000}) {
            String message = refusal(code);
            assertTrue(message.startsWith("Close code " + code + " cannot be sent by a client"), message);
            assertTrue(message.endsWith("; use 1000 (normal), 1001 (going away), 1008 (policy violation),"
                    + " 1011 (internal error) or an application code 3000-4999"), message);
        }
    }

    @Test
    void codesReservedForReportingSaySo() {
        for (int code : new int[] {1005, 1006, 1015}) {
            assertTrue(refusal(code).contains("(RFC 6455 reserves it for reporting; it never appears on the wire)"),
                    String.valueOf(code));
        }
    }

    @Test
    void codesOutsideTheRangeSaySoAtBothEdges() {
        for (int code : new int[] {Integer.MIN_VALUE, 0, 999, 5000, 65535, Integer.MAX_VALUE}) {
            assertTrue(refusal(code).contains("(outside the range 1000-4999 of close codes)"), String.valueOf(code));
        }
    }

    @Test
    void unassignedCodesSaySoAtBothEdgesOfTheirRange() {
        for (int code : new int[] {1004, 1016, 2000, 2999}) {
            assertTrue(refusal(code).contains("(unassigned or reserved for future RFCs)"), String.valueOf(code));
        }
    }

    @Test
    void codesOnlyServersOrTheJdkSendSaySo() {
        for (int code : new int[] {1002, 1003, 1007, 1009, 1010, 1012, 1013, 1014}) {
            assertTrue(refusal(code).contains("(java.net.http lets only servers, or the JDK itself, send it)"),
                    String.valueOf(code));
        }
    }

    @Test
    void aReasonOfAtMost123Utf8BytesIsAccepted() {
        assertEquals(123, CloseCodes.MAX_REASON_BYTES);
        assertDoesNotThrow(() -> CloseCodes.requireSendable(1000, ""));
        assertDoesNotThrow(() -> CloseCodes.requireSendable(4999, "a".repeat(123)));
        assertDoesNotThrow(() -> CloseCodes.requireSendable(3000, "\uD83D\uDE00".repeat(30) + "abc")); // 4 x 30 + 3
    }

    @Test
    void aLongerReasonIsRefusedWithItsSizeInBytes() {
        String reason = "\u00e9".repeat(62); // 62 chars, 124 bytes
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CloseCodes.requireSendable(1000, reason));
        assertEquals("Close reason is 124 UTF-8 bytes, at most 123 allowed: \"" + reason + "\"", e.getMessage());
    }

    @Test
    void aReasonWithAnUnpairedSurrogateIsRefusedWithItsIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CloseCodes.requireSendable(1000, "ok\uD800!"));
        assertEquals("Close reason has an unpaired surrogate at index 2: \"ok\uD800!\"", e.getMessage());
    }

    @Test
    void aNullReasonIsNamed() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> CloseCodes.requireSendable(1000, null));
        assertEquals("reason must not be null", e.getMessage());
        assertFalse(CloseCodes.isSendable(1006));
    }
}
