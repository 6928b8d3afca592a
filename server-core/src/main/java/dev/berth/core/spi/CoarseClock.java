package dev.berth.core.spi;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The wall clock for what needs the time of day per request but not to the millisecond: an HTTP
 * {@code Date} header, the windows of the server's meters. Reading it is a load of a field; the time in
 * it is read from the system by a ticker thread every {@value #TICK_MILLIS} ms while it is being asked
 * for, so a value is usually less than that behind (more when the machine cannot run the ticker on time).
 *
 * <p>Why: a request on a busy event loop read the system clock eight times (each a call into the vDSO),
 * 2.6% of the loop's time on the HTTP hello benchmark, where nginx reads it once per turn of its loop.
 *
 * <p>The ticker runs only while asked: it is started by the first read after a quiet spell (which reads
 * the system clock itself), and it ends after {@value #IDLE_MILLIS} ms without a read, so an idle server
 * has no thread waking for it, and a server with a request a second starts at most one thread a second.
 * The durations that need precision (a request's, a timeout's) keep reading {@link System#nanoTime()}.
 */
public final class CoarseClock {
    /** How often the ticker reads the system clock while the time is being asked for. */
    public static final long TICK_MILLIS = 10;
    /** How long the ticker goes on without a read before it ends. */
    public static final long IDLE_MILLIS = 1_000;

    private static final CoarseClock SHARED = new CoarseClock(TICK_MILLIS, IDLE_MILLIS, "berth-clock");

    private final long tickNanos;
    private final long idleTicks;
    private final String threadName;
    /** True while a ticker thread is alive or being started. */
    private final AtomicBoolean alive = new AtomicBoolean();
    /** True while the ticker keeps {@link #millis} current. */
    private volatile boolean ticking;
    /** Set by a read, cleared by the ticker at each tick. */
    private volatile boolean asked;
    private volatile long millis;

    CoarseClock(long tickMillis, long idleMillis, String threadName) {
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMillis);
        this.idleTicks = Math.max(1, idleMillis / tickMillis);
        this.threadName = threadName;
    }

    /** The wall-clock time in milliseconds since the epoch, as {@link System#currentTimeMillis()}, up to a tick behind. */
    public static long currentTimeMillis() {
        return SHARED.millis();
    }

    long millis() {
        if (ticking) {
            if (!asked) {
                asked = true;
            }
            return millis;
        }
        return wake();
    }

    private long wake() {
        long now = System.currentTimeMillis();
        asked = true;
        if (alive.compareAndSet(false, true)) {
            millis = now;
            try {
                Thread ticker = new Thread(this::tick, threadName);
                ticker.setDaemon(true);
                ticker.setContextClassLoader(null); // whichever thread asked first, the ticker holds none of its loaders
                ticker.start();
            } catch (Throwable e) { // no thread to be had (out of memory, a thread limit): the next read tries again
                alive.set(false);
                throw e;
            }
        }
        return now;
    }

    private void tick() {
        try {
            long quiet = 0;
            while (quiet < idleTicks) {
                millis = System.currentTimeMillis();
                ticking = true;
                if (asked) {
                    asked = false;
                    quiet = 0;
                } else {
                    quiet++;
                }
                LockSupport.parkNanos(tickNanos);
                if (Thread.interrupted()) {
                    break; // someone wants this thread gone (parking would no longer wait): the next read starts another
                }
            }
        } finally {
            // a read between the last tick and here got a value at most a tick old; reads after it read the
            // system clock and start a new ticker once this one is gone
            ticking = false;
            alive.set(false);
        }
    }

    /** Whether a ticker thread is running; for tests. */
    boolean ticking() {
        return alive.get();
    }
}
