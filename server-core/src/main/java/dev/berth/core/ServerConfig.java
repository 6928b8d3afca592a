package dev.berth.core;

import dev.berth.core.spi.ProtocolModule;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A server's whole configuration, immutable: its listeners, the modules that serve them, and its engine. */
public final class ServerConfig {
    private final List<ListenerConfig> listeners;
    private final Map<String, ProtocolModule> modules;
    private final IoTransport ioTransport;
    private final Duration shutdownTimeout;
    private final Path dataDirectory;
    private final Path readyFile;
    private final int eventLoopThreads;
    private final MeterRegistry meterRegistry;
    private final AdminConfig admin;

    ServerConfig(List<ListenerConfig> listeners, Map<String, ProtocolModule> modules, IoTransport ioTransport,
                 Duration shutdownTimeout, Path dataDirectory, Path readyFile, int eventLoopThreads,
                 MeterRegistry meterRegistry, AdminConfig admin) {
        this.admin = admin;
        this.listeners = List.copyOf(listeners);
        this.modules = Map.copyOf(modules);
        this.ioTransport = ioTransport;
        this.shutdownTimeout = shutdownTimeout;
        this.dataDirectory = dataDirectory;
        this.readyFile = readyFile;
        this.eventLoopThreads = eventLoopThreads;
        this.meterRegistry = meterRegistry;
    }

    public List<ListenerConfig> listeners() {
        return listeners;
    }

    /** The modules by name, one for every protocol a listener names. */
    public Map<String, ProtocolModule> modules() {
        return modules;
    }

    public IoTransport ioTransport() {
        return ioTransport;
    }

    /** How long a graceful stop waits for work in flight before it closes what is left. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Where to write the JSON map of listeners to real addresses once all are bound. */
    public Optional<Path> readyFile() {
        return Optional.ofNullable(readyFile);
    }

    /** Event-loop threads for connections; 0 means two per core. */
    public int eventLoopThreads() {
        return eventLoopThreads;
    }

    /**
     * The registry the server and its modules record meters into. With the admin listener on and an
     * application's registry that holds no Prometheus one, this is a composite of that registry and a
     * Prometheus registry that {@code /metrics} reads.
     */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** The admin listener's settings; {@link AdminConfig#disabled()} unless the builder was given others. */
    public AdminConfig admin() {
        return admin;
    }
}
