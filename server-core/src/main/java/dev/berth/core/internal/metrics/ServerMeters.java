package dev.berth.core.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meters of a server as a whole: the drain state, the blocking pool, the JVM (Micrometer's
 * binders) and Netty's direct memory; and the per-listener meters that only read state: the days left
 * on each served certificate, and dropped datagrams.
 */
public final class ServerMeters implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerMeters.class);
    private final MeterRegistry registry;
    private final AtomicInteger draining = new AtomicInteger();
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Completes once Micrometer's JVM binders are bound (on a thread of their own, see the constructor). */
    private final CompletableFuture<Void> jvmBound = new CompletableFuture<>();
    /** The gauges that read this server's state, removed at close so that a later server in the same registry shows its own. */
    private final List<Meter> gauges = new CopyOnWriteArrayList<>();
    private final AtomicBoolean slowLogged = new AtomicBoolean();
    /** How long a scrape or a stop waits for the JVM's meters to be bound. */
    static final Duration JVM_METERS_WAIT = Duration.ofSeconds(2);

    public ServerMeters(MeterRegistry registry, ThreadPoolExecutor blocking) {
        this(registry, blocking, task -> {
            Thread binder = new Thread(task, "berth-jvm-meters");
            binder.setDaemon(true);
            binder.start();
        });
    }

    /**
     * As {@link #ServerMeters(MeterRegistry, ThreadPoolExecutor)}, with Micrometer's JVM binders run by {@code jvmBinding}
     * (a test holds them back).
     */
    ServerMeters(MeterRegistry registry, ThreadPoolExecutor blocking, Executor jvmBinding) {
        this.registry = registry;
        gauges.add(Gauge.builder("berth.server.draining", draining, AtomicInteger::get)
                .description("1 once a graceful stop has begun, else 0").strongReference(true).register(registry));
        gauges.add(Gauge.builder("berth.blocking.queued", blocking, p -> p.getQueue().size())
                .description("Tasks waiting for a thread of the blocking pool").register(registry));
        gauges.add(Gauge.builder("berth.blocking.active", blocking, ThreadPoolExecutor::getActiveCount)
                .description("Threads of the blocking pool running a task").register(registry));
        // Micrometer's JVM binders start the JVM's management beans, some 45 ms of a jar's start-up here: they are
        // bound beside the start-up (on a thread of their own) while the listeners bind, and a scrape or a close
        // waits for them, a bounded time. Each binder is tried on its own; one that fails is logged at once.
        jvmBinding.execute(() -> {
            for (MeterBinder b : List.of(new ClassLoaderMetrics(), new JvmMemoryMetrics(), gc, new JvmThreadMetrics(),
                    new ProcessorMetrics(), new UptimeMetrics())) {
                try {
                    b.bindTo(registry);
                } catch (RuntimeException e) {
                    log.warn("the JVM's meters of {} could not be registered: {}", b.getClass().getSimpleName(), e.toString());
                }
            }
            jvmBound.complete(null);
        });
        ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
        if (allocator instanceof ByteBufAllocatorMetricProvider) {
            ByteBufAllocatorMetric m = ((ByteBufAllocatorMetricProvider) allocator).metric();
            String name = allocator.getClass().getSimpleName().replace("ByteBufAllocator", "").toLowerCase(Locale.ROOT);
            Gauge.builder("netty.allocator.memory.used", m, ByteBufAllocatorMetric::usedDirectMemory)
                    .tag("allocator", name).tag("memory.type", "direct").baseUnit("bytes")
                    .description("Direct memory held by Netty's default buffer allocator").register(registry);
            Gauge.builder("netty.allocator.memory.used", m, ByteBufAllocatorMetric::usedHeapMemory)
                    .tag("allocator", name).tag("memory.type", "heap").baseUnit("bytes")
                    .description("Heap memory held by Netty's default buffer allocator").register(registry);
        }
        Gauge.builder("netty.direct.memory.used", PlatformDependent::usedDirectMemory).baseUnit("bytes")
                .description("Direct memory Netty has reserved outside the allocator's pools; -1 when Netty does not count it")
                .register(registry);
    }

    /**
     * Waits until the JVM's meters (memory, GC, threads, class loading, processor, uptime) are in the registry, so
     * that a scrape right after start-up shows them; at most {@link #JVM_METERS_WAIT}, after which the scrape goes
     * on without the ones still missing (a binder stuck reading the JVM must not stall the admin listener), and
     * later calls do not wait again.
     *
     * @return true when they are all bound
     */
    public boolean awaitJvmMeters() {
        if (slowLogged.get()) {
            return jvmBound.isDone(); // waited the bounded time once already: not again, at every scrape
        }
        try {
            jvmBound.get(JVM_METERS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            if (slowLogged.compareAndSet(false, true)) {
                log.warn("the JVM's meters are not all registered after {} ms; going on without them", JVM_METERS_WAIT.toMillis());
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false; // not completed exceptionally: each binder's failure is logged where it happens
        }
    }

    /** The connection meters of a TCP listener. */
    public ListenerMeters listener(String listener, String protocol) {
        return new ListenerMeters(registry, listener, protocol, gauges::add);
    }

    /** A graceful stop has begun. */
    public void draining() {
        draining.set(1);
    }

    /** A counter of datagrams a UDP listener dropped for being over its size limit. */
    public Counter oversizeDatagrams(String listener) {
        return Counter.builder("berth.datagrams.dropped").tag("listener", listener).tag("reason", "oversize")
                .description("Datagrams dropped unanswered").register(registry);
    }

    /**
     * One gauge per served certificate of a listener, reading the material in use at each scrape, so
     * that a reload shows at once.
     *
     * @param served the leaf certificate in use by SNI bucket ({@code default} or a configured name)
     */
    public void certificateExpiry(String listener, Supplier<Map<String, X509Certificate>> served) {
        for (String sni : served.get().keySet()) {
            gauges.add(Gauge.builder("berth.tls.certificate.expiry", served, s -> daysLeft(s.get().get(sni)))
                    .tag("listener", listener).tag("sni", sni).baseUnit("days")
                    .description("Days until the served certificate expires (negative once it has)")
                    .strongReference(true).register(registry));
        }
    }

    /** Days (with a fraction) from now until the certificate's notAfter; NaN when there is none. */
    public static double daysLeft(X509Certificate c) {
        if (c == null) {
            return Double.NaN;
        }
        return Duration.between(Instant.now(), c.getNotAfter().toInstant()).toSeconds() / 86_400.0;
    }

    /** Removes the gauges of this server's state, and stops the garbage-collection listener the GC binder registered. */
    @Override
    public void close() {
        // the GC binder's listener is registered before it is removed (a binder still stuck after the wait is
        // left: its thread is a daemon, and its meters stay in the registry)
        awaitJvmMeters();
        gc.close();
        gauges.forEach(registry::remove);
        gauges.clear();
    }
}
