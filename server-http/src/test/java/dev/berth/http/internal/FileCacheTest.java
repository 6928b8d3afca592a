package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The file cache on its own: validity, shared checks, and both bounds with second-chance eviction. */
class FileCacheTest {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);
    private static final Executor NOW = Runnable::run;

    private final AtomicInteger checks = new AtomicInteger();

    private final FileCache.Check notFound = (previous, at) -> {
        checks.incrementAndGet();
        return ResolvedPath.notFound(at);
    };

    @Test
    void aCheckedPathIsFreshUntilTheValidityRunsOut() throws Exception {
        FileCache cache = new FileCache(1 << 20, 100, TimeUnit.MILLISECONDS.toNanos(50));
        assertNull(cache.fresh("/a"));
        cache.check("/a", notFound, NOW).join();
        assertNotNull(cache.fresh("/a"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cache.fresh("/a") != null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertNull(cache.fresh("/a"), "an entry older than the validity is not fresh");
    }

    @Test
    void aPathInUseIsCheckedAgainAheadSoItsRequestsNeverWaitAndNoEntryOutlivesTheValidity() {
        long validity = TimeUnit.SECONDS.toNanos(1);
        long[] now = {0};
        FileCache cache = new FileCache(1 << 20, 100, validity, () -> now[0]);
        cache.check("/a", notFound, NOW).join();
        List<Runnable> queued = new ArrayList<>();

        now[0] = validity / 2;
        ResolvedPath first = cache.fresh("/a");
        assertNotNull(first);
        assertTrue(!cache.refreshDue(first), "an entry in the first three quarters of its validity is not checked again");

        now[0] = validity * 8 / 10;
        assertSame(first, cache.fresh("/a"), "in the last quarter the entry is still answered from");
        assertTrue(cache.refreshDue(first));
        CompletableFuture<ResolvedPath> ahead = cache.check("/a", notFound, queued::add);
        assertSame(ahead, cache.check("/a", notFound, queued::add), "requests meanwhile join the one check");
        assertEquals(1, queued.size());
        queued.get(0).run();
        assertEquals(2, checks.get());

        now[0] = validity * 3 / 2;
        ResolvedPath second = cache.fresh("/a");
        assertNotNull(second, "past the first entry's validity, the entry checked ahead answers at once");
        assertEquals(validity * 8 / 10, second.checkedAt, "it shows the disk as of its own check");
        assertTrue(!cache.refreshDue(second));

        now[0] = validity * 8 / 10 + validity;
        assertNull(cache.fresh("/a"), "no entry is used past the validity after the check that made it");
    }

    @Test
    void aFailingCheckAheadIsTriedOncePerEntryNotByEveryRequestUntilItExpires() {
        long validity = TimeUnit.SECONDS.toNanos(1);
        long[] now = {0};
        FileCache cache = new FileCache(1 << 20, 100, validity, () -> now[0]);
        cache.check("/a", notFound, NOW).join();
        FileCache.Check failing = (previous, at) -> {
            checks.incrementAndGet();
            throw new java.io.IOException("Permission denied");
        };

        now[0] = validity * 8 / 10;
        ResolvedPath first = cache.fresh("/a");
        assertTrue(cache.refreshDue(first));
        CompletableFuture<ResolvedPath> ahead = cache.checkAhead("/a", first, failing, NOW);
        assertTrue(ahead.isCompletedExceptionally());
        now[0] = validity * 9 / 10;
        assertSame(first, cache.fresh("/a"), "the entry still answers within its validity");
        assertNull(cache.checkAhead("/a", first, failing, NOW), "no second check ahead of the same entry");
        assertEquals(2, checks.get());

        now[0] = validity * 2;
        assertNull(cache.fresh("/a"));
        ResolvedPath second = cache.check("/a", notFound, NOW).join();
        now[0] = validity * 2 + validity * 8 / 10;
        assertNotNull(cache.checkAhead("/a", second, notFound, NOW), "a new entry is checked ahead again");
        assertEquals(4, checks.get());
    }

    @Test
    void aValidityOfZeroChecksEveryTime() {
        FileCache cache = new FileCache(1 << 20, 100, 0);
        for (int i = 0; i < 3; i++) {
            assertNull(cache.fresh("/a"));
            cache.check("/a", notFound, NOW).join();
        }
        assertEquals(3, checks.get());
    }

    @Test
    void requestsForAPathBeingCheckedShareTheCheck() {
        FileCache cache = new FileCache(1 << 20, 100, HOUR);
        List<Runnable> queued = new ArrayList<>();
        CompletableFuture<ResolvedPath> first = cache.check("/a", notFound, queued::add);
        CompletableFuture<ResolvedPath> second = cache.check("/a", notFound, queued::add);
        assertSame(first, second);
        assertEquals(1, queued.size());
        queued.get(0).run();
        assertEquals(1, checks.get());
        assertEquals(ResolvedPath.Kind.NOT_FOUND, second.join().kind);
    }

    @Test
    void theEntryCountIsBounded() {
        FileCache cache = new FileCache(1 << 30, 3, HOUR);
        for (int i = 0; i < 10; i++) {
            cache.check("/" + i, notFound, NOW).join();
        }
        assertEquals(3, cache.entries());
        assertNotNull(cache.fresh("/9"), "the newest entry stays");
        assertNull(cache.fresh("/0"), "the oldest is gone");
    }

    @Test
    void theByteCountIsBounded() {
        FileCache cache = new FileCache(4096, 1000, HOUR);
        for (int i = 0; i < 100; i++) {
            cache.check("/" + "x".repeat(200) + i, notFound, NOW).join();
        }
        assertTrue(cache.bytes() <= 4096, "bytes " + cache.bytes());
        assertTrue(cache.entries() < 100, "entries " + cache.entries());
    }

    @Test
    void anEntryInUseGetsASecondChance() {
        FileCache cache = new FileCache(1 << 30, 3, HOUR);
        cache.check("/hot", notFound, NOW).join();
        for (int i = 0; i < 10; i++) {
            assertNotNull(cache.fresh("/hot"));
            cache.check("/cold" + i, notFound, NOW).join();
        }
        assertNotNull(cache.fresh("/hot"), "a path hit between insertions is not evicted");
        assertEquals(3, cache.entries());
    }

    @Test
    void aFailedCheckLeavesNothingBehind() {
        FileCache cache = new FileCache(1 << 20, 100, HOUR);
        CompletableFuture<ResolvedPath> f = cache.check("/a", (previous, at) -> {
            throw new java.io.IOException("disk on fire");
        }, NOW);
        assertTrue(f.isCompletedExceptionally());
        assertNull(cache.fresh("/a"));
        assertEquals(0, cache.entries());
        cache.check("/a", notFound, NOW).join();
        assertNotNull(cache.fresh("/a"), "the next request checks again");
    }

    @Test
    void aZeroSizeTurnsTheCacheOff() {
        FileCache cache = new FileCache(0, 100, HOUR);
        cache.check("/a", notFound, NOW).join();
        assertNull(cache.fresh("/a"));
        assertEquals(0, cache.entries());
    }
}
