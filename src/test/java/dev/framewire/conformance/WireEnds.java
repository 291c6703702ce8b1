package dev.framewire.conformance;

import dev.framewire.conformance.ServerSteps.WireEnd;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Tallies how the client ended each failed connection on the wire: with the JDK's Close frame, or
 * by closing TCP before that Close was written. Both are accepted (RFC 6455, section 7.1.7: the
 * endpoint SHOULD send a Close); the tally shows how often each happens. Every outcome is printed
 * as a {@code wire-end} line and each class ends with a summary, both in the class's
 * {@code target/surefire-reports/*-output.txt}; docs/conformance.md gives the figures measured.
 * Tests run one at a time, so the test being run is a plain static.
 */
final class WireEnds implements BeforeEachCallback, AfterAllCallback {

    private static volatile String currentTest = "?";
    private static final Map<String, Map<WireEnd, Integer>> BY_CLASS = new ConcurrentHashMap<>();

    static void record(WireEnd end, int code) {
        String test = currentTest;
        System.out.println("wire-end " + test + " " + end + (end == WireEnd.CLOSE_FRAME ? " " + code : ""));
        String testClass = test.substring(0, test.indexOf('.'));
        BY_CLASS.computeIfAbsent(testClass, k -> new ConcurrentHashMap<>()).merge(end, 1, Integer::sum);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        String method = context.getRequiredTestMethod().getName();
        String display = context.getDisplayName();
        currentTest = context.getRequiredTestClass().getSimpleName() + "." + method
                + (display.startsWith(method) ? "" : " [" + display + "]");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        String testClass = context.getRequiredTestClass().getSimpleName();
        Map<WireEnd, Integer> counts = new EnumMap<>(WireEnd.class);
        counts.putAll(BY_CLASS.getOrDefault(testClass, Map.of()));
        System.out.println("wire-end summary " + testClass + ": failure Close on the wire "
                + counts.getOrDefault(WireEnd.CLOSE_FRAME, 0) + ", TCP closed first "
                + counts.getOrDefault(WireEnd.TCP_CLOSED_FIRST, 0));
    }
}
