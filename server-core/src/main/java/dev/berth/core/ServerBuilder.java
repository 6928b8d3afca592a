package dev.berth.core;

import dev.berth.core.internal.metrics.CoarseMeterClock;
import dev.berth.core.internal.metrics.Registries;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.tls.TlsMode;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Collects listeners and modules for a {@link Server}. A listener's protocol is served by a module
 * added here, or else by one of that name found with {@link ServiceLoader} (with its defaults).
 * {@link #build()} checks every rule that involves more than one value (a listener's transport and
 * TLS mode against what its protocol serves, unique names), whichever way the server is described.
 */
public final class ServerBuilder {
    private final List<ListenerConfig> listeners = new ArrayList<>();
    private final Map<String, ProtocolModule> modules = new LinkedHashMap<>();
    private IoTransport ioTransport = IoTransport.AUTO;
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private Path dataDirectory = Path.of("berth-data");
    private Path readyFile;
    private int eventLoopThreads;
    private MeterRegistry meterRegistry;
    private AdminConfig admin = AdminConfig.disabled();

    ServerBuilder() {
    }

    public ServerBuilder listener(ListenerConfig listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Adds a module instance; it serves every listener whose protocol is its {@code name()}. */
    public ServerBuilder module(ProtocolModule module) {
        modules.put(module.name(), module);
        return this;
    }

    public ServerBuilder ioTransport(IoTransport ioTransport) {
        this.ioTransport = Objects.requireNonNull(ioTransport, "ioTransport");
        return this;
    }

    public ServerBuilder shutdownTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new BerthException("shutdown timeout must not be negative: " + timeout);
        }
        this.shutdownTimeout = timeout;
        return this;
    }

    public ServerBuilder dataDirectory(Path dir) {
        this.dataDirectory = Objects.requireNonNull(dir, "dir");
        return this;
    }

    public ServerBuilder readyFile(Path file) {
        this.readyFile = file;
        return this;
    }

    public ServerBuilder eventLoopThreads(int threads) {
        if (threads < 0) {
            throw new BerthException("event-loop threads must not be negative: " + threads);
        }
        this.eventLoopThreads = threads;
        return this;
    }

    /**
     * The registry the server and its modules record meters into; by default each server makes its
     * own {@link PrometheusMeterRegistry}. Pass an application's registry to see Berth's meters
     * beside its own.
     */
    public ServerBuilder meterRegistry(MeterRegistry registry) {
        this.meterRegistry = Objects.requireNonNull(registry, "registry");
        return this;
    }

    /**
     * The admin listener ({@code /metrics}, {@code /healthz}, {@code /readyz}, {@code /info}); off
     * unless this is called with an enabled {@link AdminConfig}.
     */
    public ServerBuilder admin(AdminConfig admin) {
        this.admin = Objects.requireNonNull(admin, "admin");
        return this;
    }

    /** Checks the configuration and makes the (not yet started) server. */
    public Server build() {
        if (listeners.isEmpty()) {
            throw new BerthException("no listeners configured");
        }
        Set<String> names = new HashSet<>();
        if (admin.enabled()) {
            names.add(AdminConfig.NAME);
        }
        Map<String, ProtocolModule> used = new LinkedHashMap<>();
        for (ListenerConfig l : listeners) {
            if (!names.add(l.name())) {
                throw new BerthException(l.name().equals(AdminConfig.NAME) && admin.enabled()
                        ? "a listener is named 'admin', the admin listener's name; rename it or disable the admin listener"
                        : "two listeners are named '" + l.name() + "'");
            }
            ProtocolModule m = used.containsKey(l.protocol()) ? used.get(l.protocol()) : find(l.protocol());
            if (m == null) {
                throw new BerthException("listener " + l.name() + ": no protocol module named '" + l.protocol() + "'");
            }
            if (!m.transports().contains(l.transport())) {
                throw new BerthException("listener " + l.name() + ": protocol " + m.name() + " does not serve "
                        + l.transport().scheme().toUpperCase(Locale.ROOT), "listener." + l.name() + ".transport");
            }
            if (l.transport() == Transport.TCP && !m.tlsModes().contains(l.tlsMode())) {
                throw new BerthException("listener " + l.name() + ": protocol " + m.name() + " cannot serve TLS mode "
                        + lower(l.tlsMode()) + "; it serves " + m.tlsModes().stream().map(ServerBuilder::lower)
                        .collect(Collectors.joining(", ")), "listener." + l.name() + ".tlsMode");
            }
            used.put(m.name(), m);
        }
        MeterRegistry registry = meterRegistry != null ? meterRegistry : prometheusRegistry();
        if (admin.enabled() && Registries.prometheus(registry).isEmpty()) {
            // An application's own registry (say, to Datadog) still records everything; /metrics reads the
            // Prometheus registry beside it. (The application's registry keeps its own clock.)
            registry = new CompositeMeterRegistry(Clock.SYSTEM, List.of(registry, prometheusRegistry()));
        }
        return new Server(new ServerConfig(listeners, used, ioTransport, shutdownTimeout, dataDirectory, readyFile,
                eventLoopThreads, registry, admin));
    }

    /** A Prometheus registry on the coarse clock (see {@link CoarseMeterClock}). */
    private static PrometheusMeterRegistry prometheusRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), CoarseMeterClock.INSTANCE);
    }

    private static String lower(TlsMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    private ProtocolModule find(String name) {
        if (modules.containsKey(name)) {
            return modules.get(name);
        }
        for (ProtocolModule m : ServiceLoader.load(ProtocolModule.class)) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        return null;
    }
}
