package dev.berth.core.tls;

import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a listener's {@link TlsContextProvider} from its {@link TlsConfig}, watches its files for
 * changes, and reloads every live provider on request (SIGHUP).
 */
public final class TlsContexts {
    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

    /** Live providers, held weakly: a stopped server's provider goes away with it, and so does its watch. */
    private static final List<WeakReference<ReloadingContextProvider>> LIVE = new CopyOnWriteArrayList<>();
    private static final ScheduledExecutorService WATCHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "berth-tls-watch");
        t.setDaemon(true);
        return t;
    });

    private TlsContexts() {
    }

    /**
     * A provider for a listener; {@code alpn} is the protocols the listener's module speaks, in
     * order of preference (empty for none). Loads and checks all material now: bad material fails
     * with a {@link dev.berth.core.BerthException} naming the file.
     */
    public static TlsContextProvider provider(TlsConfig config, Path dataDirectory, List<String> alpn) {
        ReloadingContextProvider p = new ReloadingContextProvider(config, dataDirectory, alpn);
        LIVE.removeIf(r -> r.get() == null);
        LIVE.add(new WeakReference<>(p));
        if (p.hasFiles() && !config.reloadInterval().isZero()) {
            watch(p, config.reloadInterval().toMillis());
        }
        return p;
    }

    /** Loads every live listener's files again (SIGHUP); a listener whose new files are bad keeps its old ones. */
    public static void reloadAll() {
        List<ReloadingContextProvider> live = new ArrayList<>();
        for (WeakReference<ReloadingContextProvider> r : LIVE) {
            ReloadingContextProvider p = r.get();
            if (p != null && p.hasFiles()) {
                live.add(p);
            }
        }
        log.info("reloading TLS certificates of {} listener(s)", live.size());
        WATCHER.execute(() -> live.forEach(ReloadingContextProvider::reload));
    }

    /** Reloads one provider made by {@link #provider}; true when the new material is in use. */
    public static boolean reload(TlsContextProvider provider) {
        if (!(provider instanceof ReloadingContextProvider)) {
            throw new IllegalArgumentException("not a provider made by TlsContexts.provider");
        }
        return ((ReloadingContextProvider) provider).reload();
    }

    private static void watch(ReloadingContextProvider provider, long intervalMillis) {
        WeakReference<ReloadingContextProvider> ref = new WeakReference<>(provider);
        AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
        self.set(WATCHER.scheduleWithFixedDelay(() -> {
            ReloadingContextProvider p = ref.get();
            if (p == null) {
                ScheduledFuture<?> f = self.get();
                if (f != null) {
                    f.cancel(false);
                }
                return;
            }
            try {
                p.reloadIfChanged();
            } catch (RuntimeException e) {
                log.error("TLS file watch failed: {}", e.toString());
            }
        }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS));
    }
}
