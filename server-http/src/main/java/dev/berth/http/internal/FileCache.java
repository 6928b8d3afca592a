package dev.berth.http.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The static-file cache: request path to {@link ResolvedPath}, bounded in entries and bytes, each entry
 * used for at most the validity interval after the check that made it. Lookups take no lock and touch
 * no disk (event loops call them); checks run on the blocking pool, one at a time per path, and
 * requests for a path whose check began within the interval share that check. A path in use is
 * checked again ahead of time, when a request finds its entry in the last quarter of the interval
 * ({@link #refreshDue}): that request is answered from the entry, still within the
 * interval, and the requests after it find the new one, so a busy path never waits for the disk.
 *
 * <p>Eviction is CLOCK (second chance): entries sit in a ring in insertion order, a hit marks its
 * entry, and the evictor passes over a marked entry once (clearing the mark) before it removes it.
 * That approximates least-recently-used without a lock or a list update on the hit path.
 */
final class FileCache {
    /** Does the disk work for one path: {@code previous} is the entry being replaced (or null). */
    @FunctionalInterface
    interface Check {
        ResolvedPath run(ResolvedPath previous, long checkedAt) throws Exception;
    }

    private static final class Node {
        final String key;
        volatile ResolvedPath value;
        volatile boolean referenced;
        /** The check in flight, guarded by this node. */
        Load loading;
        /**
         * When the entry whose check ahead failed was checked (its {@code checkedAt}): that entry is not checked
         * ahead again, only once it expires. A time, not the entry, so that a replaced entry's bytes are not held.
         */
        volatile long aheadFailed = Long.MIN_VALUE;
        /** Guarded by the cache: whether the node is in the ring, and the weight counted for it. */
        boolean linked;
        long weight;

        Node(String key) {
            this.key = key;
        }
    }

    private static final class Load {
        final long startedAt;
        final CompletableFuture<ResolvedPath> future = new CompletableFuture<>();

        Load(long startedAt) {
            this.startedAt = startedAt;
        }
    }

    private final ConcurrentHashMap<String, Node> map = new ConcurrentHashMap<>();
    private final long maxBytes;
    private final int maxEntries;
    private final long validityNanos;
    private final boolean enabled;
    /** {@link System#nanoTime()}, or a test's clock. */
    private final LongSupplier clock;
    /** Guarded by this. */
    private final ArrayDeque<Node> ring = new ArrayDeque<>();
    private long bytes;
    private int entries;

    FileCache(long maxBytes, int maxEntries, long validityNanos) {
        this(maxBytes, maxEntries, validityNanos, System::nanoTime);
    }

    FileCache(long maxBytes, int maxEntries, long validityNanos, LongSupplier clock) {
        this.clock = clock;
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
        this.validityNanos = validityNanos;
        this.enabled = maxBytes > 0 && maxEntries > 0;
    }

    /** The entry for {@code key} if it was checked less than the validity interval ago; else null. */
    ResolvedPath fresh(String key) {
        Node n = map.get(key);
        if (n == null) {
            return null;
        }
        ResolvedPath v = n.value;
        if (v == null || clock.getAsLong() - v.checkedAt >= validityNanos) {
            return null;
        }
        if (!n.referenced) {
            n.referenced = true;
        }
        return v;
    }

    /**
     * True when {@code entry}, found fresh, is in the last quarter of its validity: the caller answers
     * from it and starts a {@link #check} of its path (which joins one already running), whose result
     * the requests after it use.
     */
    boolean refreshDue(ResolvedPath entry) {
        return clock.getAsLong() - entry.checkedAt >= validityNanos - validityNanos / 4;
    }

    /**
     * Starts the check of {@code key} ahead of {@code entry}'s expiry (when {@link #refreshDue}), or joins the one
     * running; null when none is started: {@code entry} is no longer the current one, or a check ahead of it
     * failed already. A failing check is so tried once per entry, not by every request until the entry
     * expires; the request that then finds it expired checks again and meets the error itself.
     */
    CompletableFuture<ResolvedPath> checkAhead(String key, ResolvedPath entry, Check check, Executor pool) {
        Node n = map.get(key);
        if (n == null || n.value != entry || n.aheadFailed == entry.checkedAt) {
            return null;
        }
        CompletableFuture<ResolvedPath> f = check(key, check, pool, false);
        f.whenComplete((v, e) -> {
            if (e != null) {
                n.aheadFailed = entry.checkedAt;
            }
        });
        return f;
    }

    /**
     * Checks {@code key} on {@code pool} and caches the result; joins a check of the same path that
     * began less than the validity interval ago instead of starting another.
     */
    CompletableFuture<ResolvedPath> check(String key, Check check, Executor pool) {
        return check(key, check, pool, false);
    }

    /** As {@link #check(String, Check, Executor)}; with {@code force}, always a new check (the entry was found stale). */
    CompletableFuture<ResolvedPath> check(String key, Check check, Executor pool, boolean force) {
        long now = clock.getAsLong();
        if (!enabled) {
            return run(null, check, new Load(now), pool);
        }
        Node n = map.computeIfAbsent(key, Node::new);
        Load load;
        synchronized (n) {
            if (!force && n.loading != null && now - n.loading.startedAt < validityNanos) {
                return n.loading.future;
            }
            load = new Load(now);
            n.loading = load;
        }
        return run(n, check, load, pool);
    }

    private CompletableFuture<ResolvedPath> run(Node n, Check check, Load load, Executor pool) {
        try {
            pool.execute(() -> {
                try {
                    ResolvedPath v = check.run(n == null ? null : n.value, load.startedAt);
                    if (n != null) {
                        store(n, v);
                    }
                    load.future.complete(v);
                } catch (Exception | Error e) {
                    load.future.completeExceptionally(e);
                } finally {
                    if (n != null) {
                        done(n, load);
                    }
                }
            });
        } catch (RuntimeException e) {
            // the pool refused (the server is stopping)
            load.future.completeExceptionally(e);
            if (n != null) {
                done(n, load);
            }
        }
        return load.future;
    }

    private void done(Node n, Load load) {
        synchronized (n) {
            if (n.loading == load) {
                n.loading = null;
            }
        }
        if (n.value == null) {
            map.remove(n.key, n); // a failed first check leaves nothing behind
        }
    }

    private synchronized void store(Node n, ResolvedPath v) {
        if (map.get(n.key) != n) {
            return; // evicted while it was being checked
        }
        if (n.value != null && n.value.checkedAt > v.checkedAt) {
            return; // a later check (one forced by a change it found) finished first: its view stays
        }
        n.value = v;
        long w = v.weight(n.key);
        bytes += w - n.weight;
        n.weight = w;
        if (!n.linked) {
            n.linked = true;
            entries++;
            ring.addLast(n);
        }
        evict();
    }

    /** Keeps a gzipped copy of {@code entry}'s file, counted in the bound, while the entry is the current one. */
    synchronized void attachGzipped(String key, ResolvedPath entry, ByteBuffer gzipped) {
        Node n = map.get(key);
        if (n == null || n.value != entry || entry.gzipped() != null) {
            return;
        }
        entry.gzipped(gzipped);
        long w = entry.weight(key);
        bytes += w - n.weight;
        n.weight = w;
        evict();
    }

    /** Removes entries, second chance first, until both bounds hold. */
    private void evict() {
        int passes = 2 * ring.size() + 1;
        while ((bytes > maxBytes || entries > maxEntries) && passes-- > 0) {
            Node n = ring.pollFirst();
            if (n == null) {
                break;
            }
            if (n.referenced) {
                n.referenced = false;
                ring.addLast(n);
                continue;
            }
            n.linked = false;
            entries--;
            bytes -= n.weight;
            n.weight = 0;
            map.remove(n.key, n);
        }
    }

    /** The number of cached paths. */
    synchronized int entries() {
        return entries;
    }

    /** The bytes counted against the bound. */
    synchronized long bytes() {
        return bytes;
    }
}
