package dev.berth.core.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The JVM's meters are bound beside the server's start-up: whoever waits for them (a scrape, the stop) gets them
 * once bound, and is not held past a bounded wait by a binder that never ends.
 */
class ServerMetersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new SynchronousQueue<>());
    /** The binding task, held back until the test runs it. */
    private final AtomicReference<Runnable> held = new AtomicReference<>();

    @Test
    void aWaiterGetsTheJvmMetersOnceTheyAreBoundAndNotBefore() throws Exception {
        ServerMeters meters = new ServerMeters(registry, pool, held::set);
        assertNotNull(held.get(), "the binders were handed to their executor");
        assertNull(registry.find("jvm.memory.used").gauge(), "not bound yet");

        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(meters::awaitJvmMeters);
        try {
            waiter.get(300, TimeUnit.MILLISECONDS);
            throw new AssertionError("the wait ended before the meters were bound");
        } catch (TimeoutException expected) {
            // still waiting, as a scrape right after start-up would
        }
        held.get().run();
        assertTrue(waiter.get(5, TimeUnit.SECONDS));
        assertNotNull(registry.find("jvm.memory.used").gauge());
        assertNotNull(registry.find("jvm.threads.live").gauge());
        assertNotNull(registry.find("jvm.classes.loaded").gauge());
        assertNotNull(registry.find("process.uptime").timeGauge());
        meters.close();
        pool.shutdown();
    }

    @Test
    void aBinderThatNeverEndsHoldsTheFirstWaiterForTheBoundedWaitAndNoOneAfter() {
        ServerMeters meters = new ServerMeters(registry, pool, task -> { });
        long start = System.nanoTime();
        assertFalse(meters.awaitJvmMeters());
        meters.close();
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long bound = ServerMeters.JVM_METERS_WAIT.toMillis();
        assertTrue(tookMs >= bound && tookMs < 2 * bound + 1_000, tookMs + " ms: the stop waited again");
        pool.shutdown();
    }
}
