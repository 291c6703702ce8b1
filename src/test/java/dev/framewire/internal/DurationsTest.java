package dev.framewire.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void wholeUnitsReadAsPeopleWriteThem() {
        assertEquals("2 s", Durations.format(Duration.ofSeconds(2)));
        assertEquals("500 ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("1 min", Durations.format(Duration.ofMinutes(1)));
        assertEquals("2 h", Durations.format(Duration.ofHours(2)));
        assertEquals("250 µs", Durations.format(Duration.ofNanos(250_000)));
        assertEquals("7 ns", Durations.format(Duration.ofNanos(7)));
        assertEquals("0 ns", Durations.format(Duration.ZERO));
        assertEquals("999 ns", Durations.format(Duration.ofNanos(999)));
        assertEquals("1 µs", Durations.format(Duration.ofNanos(1_000)), "a unit starts at one of it");
        assertEquals("1 ms", Durations.format(Duration.ofNanos(1_000_000)));
    }

    @Test
    void fractionsKeepUpToThreeDecimals() {
        assertEquals("1.5 s", Durations.format(Duration.ofMillis(1500)));
        assertEquals("1.25 ms", Durations.format(Duration.ofNanos(1_250_000)));
        assertEquals("1.001 s", Durations.format(Duration.ofNanos(1_000_600_000)));
        assertEquals("59.999 s", Durations.format(Duration.ofMillis(59_999)));
    }

    @Test
    void longDurationsAreSplitIntoHoursMinutesAndSeconds() {
        assertEquals("1 min 30 s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("1 h 5 min", Durations.format(Duration.ofMinutes(65)));
        assertEquals("1 h 0.5 s", Durations.format(Duration.ofMillis(3_600_500)));
        assertEquals("2 min 0.25 s", Durations.format(Duration.ofMillis(120_250)));
        assertEquals("48 h", Durations.format(Duration.ofDays(2)));
    }

    @Test
    void negativeDurationsKeepTheirSign() {
        assertEquals("-2 s", Durations.format(Duration.ofSeconds(-2)));
        assertEquals("-1.5 s", Durations.format(Duration.ofMillis(-1500)));
    }
}
