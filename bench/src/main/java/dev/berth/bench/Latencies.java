package dev.berth.bench;

import java.util.Arrays;

/** Round-trip times recorded by one event-loop thread, up to a fixed count, then read as percentiles. */
final class Latencies {
    private final long[] nanos;
    private int count;
    private boolean recording;

    Latencies(int capacity) {
        nanos = new long[capacity];
    }

    void recording(boolean on) {
        recording = on;
    }

    void record(long n) {
        if (recording && count < nanos.length) {
            nanos[count++] = n;
        }
    }

    /** The given percentile in microseconds, or -1 when nothing was recorded. */
    double percentileMicros(double p) {
        if (count == 0) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int i = (int) Math.min(count - 1, Math.ceil(p / 100.0 * count) - 1);
        return sorted[Math.max(0, i)] / 1000.0;
    }
}
