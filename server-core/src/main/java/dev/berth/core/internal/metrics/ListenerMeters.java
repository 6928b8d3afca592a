package dev.berth.core.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The connection meters of one TCP listener: opened, closed, active, and rejected by reason. A
 * connection counts as opened when it is accepted (a rejected one too), and as closed when its
 * channel closes, so active is always opened minus closed.
 */
public final class ListenerMeters {
    private final Counter opened;
    private final Counter closed;
    private final Counter totalLimit;
    private final Counter perIpLimit;
    private final Counter untrustedProxy;
    private final AtomicInteger active = new AtomicInteger();

    ListenerMeters(MeterRegistry registry, String listener, String protocol, Consumer<Meter> ownGauge) {
        Tags tags = Tags.of("listener", listener, "protocol", protocol);
        opened = Counter.builder("berth.connections.opened").tags(tags)
                .description("Connections accepted").register(registry);
        closed = Counter.builder("berth.connections.closed").tags(tags)
                .description("Connections closed").register(registry);
        totalLimit = rejected(registry, tags, "total_limit");
        perIpLimit = rejected(registry, tags, "per_ip_limit");
        untrustedProxy = rejected(registry, tags, "untrusted_proxy");
        ownGauge.accept(Gauge.builder("berth.connections.active", active, AtomicInteger::get).tags(tags)
                .description("Open connections").strongReference(true).register(registry));
    }

    private static Counter rejected(MeterRegistry registry, Tags tags, String reason) {
        return Counter.builder("berth.connections.rejected").tags(tags).tag("reason", reason)
                .description("Connections closed at once: over a connection limit or an untrusted PROXY source")
                .register(registry);
    }

    /** Counts a connection just accepted; {@link #closed()} counts its close. */
    public void accepted() {
        opened.increment();
        active.incrementAndGet();
    }

    /** Counts the close of a connection {@link #accepted()} counted (the server's one close listener calls it). */
    public void closed() {
        active.decrementAndGet();
        closed.increment();
    }

    public void rejectedOverTotalLimit() {
        totalLimit.increment();
    }

    public void rejectedOverPerIpLimit() {
        perIpLimit.increment();
    }

    public void rejectedUntrustedProxy() {
        untrustedProxy.increment();
    }
}
