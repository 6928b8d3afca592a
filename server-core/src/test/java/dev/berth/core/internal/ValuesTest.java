package dev.berth.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ValuesTest {
    @Test
    void durationsReadAsPeopleWriteThem() {
        assertEquals(Duration.ofMillis(250), Values.duration("250ms"));
        assertEquals(Duration.ofSeconds(10), Values.duration("10s"));
        assertEquals(Duration.ofSeconds(10), Values.duration("10"));
        assertEquals(Duration.ofMinutes(5), Values.duration("5m"));
        assertEquals(Duration.ofHours(1), Values.duration("1h"));
        assertNull(Values.duration("soon"));
        assertNull(Values.duration("-1s"));
    }

    @Test
    void durationsFormatBackToTheShortestForm() {
        assertEquals("5m", Values.format(Duration.ofMinutes(5)));
        assertEquals("250ms", Values.format(Duration.ofMillis(250)));
        assertEquals("0s", Values.format(Duration.ZERO));
        assertEquals("90s", Values.format(Duration.ofSeconds(90)));
    }

    @Test
    void sizesUseBinaryMultiples() {
        assertEquals(512, Values.size("512"));
        assertEquals(64 * 1024, Values.size("64k"));
        assertEquals(10L << 20, Values.size("10M"));
        assertEquals(1L << 30, Values.size("1GiB"));
        assertEquals(-1, Values.size("lots"));
        assertEquals(-1, Values.size("99999999999999999999g"));
    }
}
