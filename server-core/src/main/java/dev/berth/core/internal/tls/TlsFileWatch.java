package dev.berth.core.internal.tls;

import dev.berth.core.BerthException;
import dev.berth.core.internal.metrics.ReloadMeters;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads providers whose files changed, on one thread per server: the file system's change events on
 * the files' directories say so at once (a rename into place, a Kubernetes {@code ..data} symlink swap),
 * and reading the files every {@link dev.berth.core.tls.TlsConfig#reloadInterval()} catches what events miss (network
 * file systems, a full event queue).
 *
 * <p>Files are compared by content, so an event for some other file in the same directory costs one
 * read and nothing else. A key and its chain are two files that a deploy replaces one after the
 * other: a reload that fails right after a change, most often because the key no longer matches the
 * chain read beside it, is retried every {@link #RETRY} and reported as an error only when it still
 * fails after {@link #SETTLE}. Until then, and after, the old material is served: no handshake fails.
 */
final class TlsFileWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TlsFileWatch.class);

    /** Quiet time after the last event before the files are read: a rename pair or an editor's save lands whole. */
    static final Duration DEBOUNCE = Duration.ofMillis(20);
    /** The longest a stream of events can hold a reload back. */
    static final Duration MAX_DELAY = Duration.ofMillis(500);
    /** How soon a reload that failed right after a change is tried again. */
    static final Duration RETRY = Duration.ofMillis(100);
    /** How long a failure may last before it is reported: the longest expected gap between a key and its chain. */
    static final Duration SETTLE = Duration.ofSeconds(2);

    private static final long NEVER = Long.MAX_VALUE;

    private final List<Watched> watched = new ArrayList<>();
    private final Optional<WatchService> events;
    private final Map<WatchKey, Path> keys = new HashMap<>();
    private final Set<Path> registered = new LinkedHashSet<>();
    private final Thread thread;
    private volatile boolean closed;
    private final ReloadMeters reloads;

    /** Watches {@code providers}, each at its own interval; starts no thread until {@link #start()}. */
    TlsFileWatch(List<ReloadingContextProvider> providers) {
        this(providers, ReloadMeters.NONE);
    }

    /** As above, counting each reload and each reported failure (not each quiet retry) in {@code reloads}. */
    TlsFileWatch(List<ReloadingContextProvider> providers, ReloadMeters reloads) {
        this.reloads = reloads;
        long now = System.nanoTime();
        for (ReloadingContextProvider p : providers) {
            // Capped so that deadlines stay far from overflow; an interval of years is "never" all the same.
            long interval = p.config().reloadInterval().compareTo(Duration.ofDays(365)) > 0
                    ? Duration.ofDays(365).toNanos() : p.config().reloadInterval().toNanos();
            watched.add(new Watched(p, interval, now));
        }
        this.events = newWatchService();
        this.thread = new Thread(this::run, "berth-tls-watch");
        thread.setDaemon(true);
    }

    private static Optional<WatchService> newWatchService() {
        try {
            return Optional.of(FileSystems.getDefault().newWatchService());
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("TLS files: no change events here ({}); reading them every reload interval instead", e.toString());
            return Optional.empty();
        }
    }

    void start() {
        thread.start();
    }

    /** Stops the thread and the change events; returns once the thread has ended (bounded). */
    @Override
    public void close() {
        closed = true;
        events.ifPresent(w -> {
            try {
                w.close();
            } catch (IOException e) {
                log.debug("closing the TLS file watch: {}", e.toString());
            }
        });
        thread.interrupt();
        if (thread != Thread.currentThread()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            register();
            // A change between the providers' first load and the registration above has no event: look once.
            long now = System.nanoTime();
            for (Watched w : watched) {
                w.due = now;
            }
            while (!closed) {
                now = System.nanoTime();
                for (Watched w : watched) {
                    if ((w.due != NEVER && now - w.due >= 0) || now - w.nextRead >= 0) {
                        check(w, now);
                    }
                }
                waitForEvents(nextDeadline());
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed by stop
        } catch (RuntimeException e) {
            if (!closed) {
                log.error("TLS file watch stopped: {}; changed files are loaded on SIGHUP only", e.toString(), e);
            }
        }
    }

    /** The soonest moment some provider is due, as a {@link System#nanoTime()} value (compared by difference). */
    private long nextDeadline() {
        long now = System.nanoTime();
        long wait = Long.MAX_VALUE;
        for (Watched w : watched) {
            wait = Math.min(wait, w.nextRead - now);
            if (w.due != NEVER) {
                wait = Math.min(wait, w.due - now);
            }
        }
        return now + Math.max(0, wait);
    }

    /** Waits for change events until {@code deadline} (a {@link System#nanoTime()} value), and marks who they concern. */
    private void waitForEvents(long deadline) throws InterruptedException {
        long wait = Math.max(0, deadline - System.nanoTime());
        if (events.isEmpty()) {
            TimeUnit.NANOSECONDS.sleep(wait);
            return;
        }
        WatchKey key;
        if (pending()) {
            // A check is due already: later events can only move it (by the debounce, up to MAX_DELAY). They are
            // taken once per debounce, not as they come, so that a busy directory (a log written beside the
            // certificates) wakes this thread some 50 times a second, not once per write.
            TimeUnit.NANOSECONDS.sleep(Math.min(wait, DEBOUNCE.toNanos()));
            key = events.get().poll();
        } else {
            key = events.get().poll(wait, TimeUnit.NANOSECONDS);
        }
        while (key != null) {
            Path dir = keys.get(key);
            key.pollEvents(); // which file does not matter: the digests tell what changed
            if (!key.reset()) {
                keys.remove(key);
                registered.remove(dir);
            }
            long now = System.nanoTime();
            for (Watched w : watched) {
                if (dir != null && w.directories.contains(dir)) {
                    w.changed(now);
                }
            }
            key = events.get().poll();
        }
    }

    /** True when some provider's files are to be read because of events or a retry. */
    private boolean pending() {
        for (Watched w : watched) {
            if (w.due != NEVER) {
                return true;
            }
        }
        return false;
    }

    /** Registers every directory a watched file lives in, and where a symlinked file's target lives. */
    private void register() {
        if (events.isEmpty()) {
            return;
        }
        for (Watched w : watched) {
            w.directories = directories(w.provider);
            for (Path dir : w.directories) {
                if (registered.contains(dir)) {
                    continue;
                }
                try {
                    WatchKey key = dir.register(events.get(), StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
                    keys.put(key, dir);
                    registered.add(dir);
                } catch (IOException | UnsupportedOperationException e) {
                    log.debug("TLS files: cannot watch {} ({}); it is read every reload interval", dir, e.toString());
                }
            }
        }
    }

    private static Set<Path> directories(ReloadingContextProvider provider) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (Path file : provider.watchedFiles()) {
            Path absolute = file.toAbsolutePath().normalize();
            if (absolute.getParent() != null) {
                dirs.add(absolute.getParent());
            }
            try {
                Path real = absolute.toRealPath();
                if (real.getParent() != null) {
                    dirs.add(real.getParent());
                }
            } catch (IOException e) {
                // missing for now (mid-swap): its own directory is watched, and the next check looks again
            }
        }
        return dirs;
    }

    private void check(Watched w, long now) {
        w.due = NEVER;
        w.firstEvent = NEVER;
        if (now - w.nextRead >= 0) {
            w.nextRead = now + w.interval;
        }
        Map<Path, byte[]> digests = w.provider.digestFiles();
        if (w.provider.isLoaded(digests)) {
            w.settled();
            return;
        }
        if (w.reported != null && ReloadingContextProvider.sameDigests(digests, w.reported)) {
            return; // this broken state has been reported once; the next change tries again
        }
        Optional<BerthException> failure = w.provider.reload();
        if (failure.isEmpty()) {
            reloads.reloaded(true);
            log.info("TLS reloaded {}: new connections use the new certificates", w.provider.describe());
            w.settled();
            register(); // a swapped symlink may point into a new directory
            return;
        }
        if (w.failingSince == NEVER) {
            w.failingSince = now;
        }
        if (now - w.failingSince < SETTLE.toNanos()) {
            log.debug("TLS reload of {} failed, trying again shortly (a key and chain mid-swap?): {}",
                    w.provider.describe(), failure.get().getMessage());
            w.due = now + RETRY.toNanos();
            return;
        }
        reloads.reloaded(false);
        log.error("TLS reload failed, still serving the previous certificates: {}", failure.get().getMessage());
        w.reported = digests;
        w.failingSince = NEVER;
    }

    /** One provider's watch state; touched by the watch thread only. */
    private static final class Watched {
        final ReloadingContextProvider provider;
        final long interval;
        Set<Path> directories = Set.of();
        /** When the files are to be read because of events or a retry; {@link #NEVER} when nothing is pending. */
        long due = NEVER;
        /** When the first of a run of events came; bounds the debounce. */
        long firstEvent = NEVER;
        long nextRead;
        long failingSince = NEVER;
        /** The digests of files whose failure was reported, so that it is reported once. */
        Map<Path, byte[]> reported;

        Watched(ReloadingContextProvider provider, long interval, long now) {
            this.provider = provider;
            this.interval = interval;
            this.nextRead = now + interval;
        }

        void changed(long now) {
            if (firstEvent == NEVER) {
                firstEvent = now;
            }
            due = Math.min(now + DEBOUNCE.toNanos(), firstEvent + MAX_DELAY.toNanos());
        }

        void settled() {
            failingSince = NEVER;
            reported = null;
            firstEvent = NEVER;
        }
    }
}
