package dev.berth.core.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts TLS material reloads by result: one per setup reloaded by SIGHUP or by the file watch. */
public final class ReloadMeters {
    /** Counts nothing: for a TLS service made without a registry. */
    public static final ReloadMeters NONE = new ReloadMeters(null, null);

    private final Counter success;
    private final Counter failure;

    private ReloadMeters(Counter success, Counter failure) {
        this.success = success;
        this.failure = failure;
    }

    public static ReloadMeters of(MeterRegistry registry) {
        return new ReloadMeters(counter(registry, "success"), counter(registry, "failure"));
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("berth.tls.reloads").tag("result", result)
                .description("TLS material reloads; a failed one keeps the previous material").register(registry);
    }

    public void reloaded(boolean ok) {
        Counter c = ok ? success : failure;
        if (c != null) {
            c.increment();
        }
    }
}
