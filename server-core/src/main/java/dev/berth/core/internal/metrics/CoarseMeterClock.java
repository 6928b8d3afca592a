package dev.berth.core.internal.metrics;

import dev.berth.core.spi.CoarseClock;
import io.micrometer.core.instrument.Clock;

/**
 * The clock of the registries Berth makes itself: Micrometer reads the wall clock on every record to
 * turn the windows of a timer's or a summary's maximum and histogram (four reads per HTTP request), and
 * those windows turn every tens of seconds, so {@link CoarseClock}'s time serves them. Durations keep
 * the system's monotonic clock.
 */
public final class CoarseMeterClock implements Clock {
    public static final CoarseMeterClock INSTANCE = new CoarseMeterClock();

    private CoarseMeterClock() {
    }

    @Override
    public long wallTime() {
        return CoarseClock.currentTimeMillis();
    }

    @Override
    public long monotonicTime() {
        return System.nanoTime();
    }
}
