package dev.berth.core.internal.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;

/** Finds the Prometheus registry that the admin listener's {@code /metrics} reads. */
public final class Registries {
    private Registries() {
    }

    /** The registry itself when it is a Prometheus one, else the first Prometheus registry inside a composite. */
    public static Optional<PrometheusMeterRegistry> prometheus(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry) {
            return Optional.of((PrometheusMeterRegistry) registry);
        }
        if (registry instanceof CompositeMeterRegistry) {
            for (MeterRegistry r : ((CompositeMeterRegistry) registry).getRegistries()) {
                Optional<PrometheusMeterRegistry> p = prometheus(r);
                if (p.isPresent()) {
                    return p;
                }
            }
        }
        return Optional.empty();
    }
}
