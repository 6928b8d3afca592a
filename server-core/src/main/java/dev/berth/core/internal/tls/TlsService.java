package dev.berth.core.internal.tls;

import dev.berth.core.internal.acme.AcmeChallenges;
import dev.berth.core.internal.acme.AcmeManager;
import dev.berth.core.internal.metrics.ReloadMeters;
import dev.berth.core.internal.metrics.TlsMeters;
import dev.berth.core.tls.AcmeConfig;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsMode;
import dev.berth.core.tls.TlsReload;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS a server owns: one context provider per distinct setup ({@link TlsConfig} and ALPN list),
 * shared by the listeners that have it, the watch that reloads changed files, and reload on request.
 * Made at the server's start and closed at its stop; nothing of it is static, and closing it ends its
 * thread.
 */
public final class TlsService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TlsService.class);

    private final Path dataDirectory;
    private final ReloadMeters reloads;
    private final MeterRegistry registry;
    private final Map<Setup, Shared> setups = new LinkedHashMap<>();
    private final Map<AcmeConfig, AcmeManager> acme = new LinkedHashMap<>();
    private final AcmeChallenges challenges = new AcmeChallenges();
    private boolean acmeStarted;
    private boolean plaintextHttp;
    private Optional<TlsFileWatch> watch = Optional.empty();
    private boolean closed;

    /** A service whose self-signed default certificate, when a setup needs one, lives under {@code dataDirectory}. */
    public TlsService(Path dataDirectory) {
        this(dataDirectory, ReloadMeters.NONE);
    }

    /** A service that counts its reloads, by SIGHUP and by the file watch alike, in {@code reloads}. */
    public TlsService(Path dataDirectory, ReloadMeters reloads) {
        this(dataDirectory, reloads, new SimpleMeterRegistry());
    }

    /** A service whose reloads are counted in {@code reloads} and whose ACME attempts in {@code registry}. */
    public TlsService(Path dataDirectory, ReloadMeters reloads, MeterRegistry registry) {
        this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
        this.reloads = Objects.requireNonNull(reloads, "reloads");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The HTTP-01 answers pending ACME orders wait for; the plaintext HTTP listener serves them. */
    public AcmeChallenges acmeChallenges() {
        return challenges;
    }

    /**
     * The TLS of a listener; empty for {@link TlsMode#NONE}. A setup seen for the first time is loaded
     * and checked now: bad material fails with a {@link dev.berth.core.BerthException} naming the file.
     *
     * @param alpn the protocols the listener's module speaks, most preferred first (empty for none)
     */
    public Optional<ListenerTls> listener(String name, TlsMode mode, TlsConfig config, List<String> alpn) {
        return listener(name, mode, config, alpn, Optional.empty());
    }

    /** As {@link #listener(String, TlsMode, TlsConfig, List)}, with the listener's handshakes counted in {@code meters}. */
    public synchronized Optional<ListenerTls> listener(String name, TlsMode mode, TlsConfig config, List<String> alpn,
                                                       Optional<TlsMeters> meters) {
        if (closed) {
            throw new IllegalStateException("the TLS service is closed");
        }
        if (mode == TlsMode.NONE) {
            return Optional.empty();
        }
        Setup key = new Setup(config, List.copyOf(alpn));
        Shared shared = setups.get(key);
        if (shared == null) {
            Optional<AcmeManager> manager = config.acme().map(a -> acme.computeIfAbsent(a, c -> {
                AcmeManager m = new AcmeManager(c, dataDirectory, challenges, registry, () -> reloadAcme(c));
                if (acmeStarted) {
                    m.start(plaintextHttp); // a setup that arrives on a live TLS update, after start
                }
                return m;
            }));
            shared = new Shared(new ReloadingContextProvider(config, dataDirectory, key.alpn(), manager));
            setups.put(key, shared);
        }
        shared.listeners.add(name);
        return Optional.of(new ListenerTls(mode, shared.provider, config, meters,
                config.acme().isPresent() ? Optional.of(challenges) : Optional.empty()));
    }

    /** Starts watching the files of every setup that has files and a non-zero reload interval. */
    public synchronized void watchFiles() {
        if (closed || watch.isPresent()) {
            return;
        }
        List<ReloadingContextProvider> watched = new ArrayList<>();
        for (Shared s : setups.values()) {
            if (!s.provider.watchedFiles().isEmpty() && !s.provider.config().reloadInterval().isZero()) {
                watched.add(s.provider);
            }
        }
        if (!watched.isEmpty()) {
            TlsFileWatch w = new TlsFileWatch(watched, reloads);
            w.start();
            watch = Optional.of(w);
        }
    }

    /**
     * Starts keeping each ACME certificate current (a check now, then renewals), on the ACME thread.
     *
     * @param plaintextHttp whether a plaintext HTTP listener is bound, to answer HTTP-01
     */
    public synchronized void startAcme(boolean plaintextHttp) {
        if (!closed && !acmeStarted) {
            acmeStarted = true;
            this.plaintextHttp = plaintextHttp;
            acme.values().forEach(m -> m.start(plaintextHttp));
        }
    }

    /** Loads a newly issued ACME certificate into every setup that serves it, as a reload would. */
    private void reloadAcme(AcmeConfig config) {
        List<Shared> serving = new ArrayList<>();
        synchronized (this) {
            for (Shared s : setups.values()) {
                if (s.provider.config().acme().map(config::equals).orElse(false)) {
                    serving.add(s);
                }
            }
        }
        for (Shared s : serving) {
            Optional<dev.berth.core.BerthException> failure = s.provider.reload();
            reloads.reloaded(failure.isEmpty());
            if (failure.isEmpty()) {
                log.info("TLS: listeners {} serve the ACME certificate for {} to new connections", s.listeners,
                        String.join(", ", config.domains()));
            } else {
                log.error("TLS: the ACME certificate for {} cannot be served, the previous one stays: {}",
                        config.domains().get(0), failure.get().getMessage());
            }
        }
    }

    /**
     * Loads every setup's files again, now, on the calling thread (SIGHUP); a setup whose new files are
     * bad keeps serving its old material. Logs one line per setup and returns the same.
     */
    public List<TlsReload> reload() {
        List<Shared> withFiles = new ArrayList<>();
        synchronized (this) {
            for (Shared s : setups.values()) {
                if (s.provider.hasFiles()) {
                    withFiles.add(s);
                }
            }
        }
        log.info("reloading the TLS certificates of {} setup(s)", withFiles.size());
        List<TlsReload> out = new ArrayList<>();
        for (Shared s : withFiles) {
            TlsReload r = new TlsReload(s.provider.describe(), s.listeners,
                    s.provider.reload().map(Throwable::getMessage).orElse(null));
            reloads.reloaded(r.reloaded());
            if (r.reloaded()) {
                log.info("TLS reloaded {}", r);
            } else {
                log.error("TLS reload failed, still serving the previous certificates: {}", r.failure().orElseThrow());
            }
            out.add(r);
        }
        return out;
    }

    /** Stops the file watch; the contexts stay usable by connections still open. */
    @Override
    public synchronized void close() {
        closed = true;
        acme.values().forEach(AcmeManager::close);
        watch.ifPresent(TlsFileWatch::close);
        watch = Optional.empty();
    }

    /** What makes two listeners' TLS the same: equal settings and the same ALPN protocols. */
    private record Setup(TlsConfig config, List<String> alpn) {
    }

    private static final class Shared {
        final ReloadingContextProvider provider;
        final List<String> listeners = new CopyOnWriteArrayList<>();

        Shared(ReloadingContextProvider provider) {
            this.provider = provider;
        }
    }
}
