package dev.berth.smtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySyncTest {
    private static final Path DIR = Path.of("maildir", "new");

    @TempDir
    Path tmp;

    /** One fsync as seen on a logical clock: when it started and when it returned. */
    private record Interval(long start, long end) {
    }

    @Test
    void everyCallerReturnsOnlyAfterAnFsyncThatStartedAfterItsCall() throws Exception {
        AtomicLong clock = new AtomicLong();
        List<Interval> fsyncs = new CopyOnWriteArrayList<>();
        DirectorySync sync = new DirectorySync(dir -> {
            long start = clock.incrementAndGet();
            sleepMicros(ThreadLocalRandom.current().nextInt(50, 500));
            fsyncs.add(new Interval(start, clock.incrementAndGet()));
        });
        List<Interval> calls = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 20; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        long call = clock.incrementAndGet(); // the caller's rename has returned by now
                        sync.syncAfterRename(DIR);
                        calls.add(new Interval(call, clock.incrementAndGet()));
                        sleepMicros(ThreadLocalRandom.current().nextInt(0, 100));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(4000, calls.size());
        for (Interval c : calls) {
            assertTrue(fsyncs.stream().anyMatch(f -> f.start() > c.start() && f.end() < c.end()),
                    "a caller (call at " + c.start() + ", return at " + c.end() + ") is covered by an fsync that started after it");
        }
        assertTrue(fsyncs.size() < calls.size(), "callers shared fsyncs: " + fsyncs.size() + " for " + calls.size());
        assertEquals(0, sync.tracked(), "no directory is tracked once every caller has returned");
    }

    @Test
    void aCallerArrivingDuringAnFsyncWaitsForTheNextOne() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicInteger count = new AtomicInteger();
        DirectorySync sync = new DirectorySync(dir -> {
            if (count.incrementAndGet() == 1) {
                firstStarted.countDown();
                await(releaseFirst);
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> {
                sync.syncAfterRename(DIR);
                return null;
            });
            assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
            Future<Integer> b = pool.submit(() -> {
                sync.syncAfterRename(DIR);
                return count.get();
            });
            Thread.sleep(100);
            assertFalse(b.isDone(), "the late caller does not return with an fsync that began before it");
            releaseFirst.countDown();
            a.get(10, TimeUnit.SECONDS);
            assertEquals(2, b.get(10, TimeUnit.SECONDS), "the late caller returned after a second fsync");
        } finally {
            releaseFirst.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedFsyncFailsEveryCallerItCoveredAndTheNextOneStartsAfresh() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch secondStarted = new CountDownLatch(1);
        CountDownLatch releaseSecond = new CountDownLatch(1);
        AtomicInteger count = new AtomicInteger();
        DirectorySync sync = new DirectorySync(dir -> {
            int n = count.incrementAndGet();
            if (n == 1) {
                firstStarted.countDown();
                await(releaseFirst);
            } else if (n == 2) {
                secondStarted.countDown();
                await(releaseSecond);
                throw new IOException("Input/output error");
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?> leader = pool.submit(() -> {
                sync.syncAfterRename(DIR);
                return null;
            });
            assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
            // Two callers arrive during the first fsync: the second fsync, which fails, is theirs.
            List<Future<?>> covered = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                covered.add(pool.submit(() -> {
                    sync.syncAfterRename(DIR);
                    return null;
                }));
            }
            Thread.sleep(100);
            releaseFirst.countDown();
            leader.get(10, TimeUnit.SECONDS);
            assertTrue(secondStarted.await(10, TimeUnit.SECONDS));
            releaseSecond.countDown();
            for (Future<?> f : covered) {
                Exception e = assertThrows(Exception.class, () -> f.get(10, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof IOException && e.getCause().getMessage().contains("Input/output error"),
                        "a caller covered by the failed fsync fails: " + e.getCause());
            }
            sync.syncAfterRename(DIR); // a third fsync, which succeeds
            assertEquals(3, count.get());
        } finally {
            releaseFirst.countDown();
            releaseSecond.countDown();
            pool.shutdownNow();
        }
        assertEquals(0, sync.tracked());
    }

    @Test
    void theRealFsyncForcesADirectoryAndAFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("m"), "x");
        new DirectorySync().syncAfterRename(tmp);
        DirectorySync.fsync(file);
        assertThrows(IOException.class, () -> new DirectorySync().syncAfterRename(tmp.resolve("missing")));
    }

    private static void sleepMicros(int micros) {
        try {
            TimeUnit.MICROSECONDS.sleep(micros);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IOException("test latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
