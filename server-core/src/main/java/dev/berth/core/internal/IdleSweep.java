package dev.berth.core.internal;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The one idle timer of an event loop: it checks every {@link IdleTimeoutHandler} on that loop when the
 * earliest of their timeouts ends, so an idle connection carries no scheduled task of its own.
 *
 * <p>The handlers form a list through their own fields (no node objects), touched only on the loop's
 * thread. After a check the next one is due at the earliest deadline, but no sooner than one period after
 * the check (the period is a quarter of the shortest timeout that joined the sweep, at most one second), so a loop
 * with many connections whose deadlines are spread out is walked at most once a period: an idle event
 * comes at its timeout, or up to one period later. The sweep ends when its last handler leaves.
 */
final class IdleSweep implements Runnable {
    static final long MAX_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The sweep of each event loop that has handlers; each entry is added and removed on its loop's thread. */
    private static final Map<EventExecutor, IdleSweep> SWEEPS = new ConcurrentHashMap<>();

    private final EventExecutor loop;
    private IdleTimeoutHandler first;
    private long periodNanos = MAX_PERIOD_NANOS;
    private Future<?> next;
    private long nextAt;
    private long lastRun;

    private IdleSweep(EventExecutor loop) {
        this.loop = loop;
        this.lastRun = loop.ticker().nanoTime() - MAX_PERIOD_NANOS;
    }

    /** Adds {@code h}, whose deadline is {@code deadline} on the loop's clock, to the sweep of its loop; on that loop. */
    static void join(EventExecutor loop, IdleTimeoutHandler h, long timeoutNanos, long deadline) {
        SWEEPS.computeIfAbsent(loop, IdleSweep::new).add(h, timeoutNanos, deadline);
    }

    /** Takes {@code h} out of the sweep of {@code loop}, if it is in it; on that loop. */
    static void leave(EventExecutor loop, IdleTimeoutHandler h) {
        IdleSweep s = SWEEPS.get(loop);
        if (s != null) {
            s.leave(h);
        }
    }

    /** The period between two checks for {@code timeoutNanos}: a quarter of it, at most one second. */
    static long periodFor(long timeoutNanos) {
        return Math.max(1, Math.min(timeoutNanos / 4, MAX_PERIOD_NANOS));
    }

    private void add(IdleTimeoutHandler h, long timeoutNanos, long deadline) {
        h.sweepNext = first;
        h.sweepPrev = null;
        if (first != null) {
            first.sweepPrev = h;
        }
        first = h;
        periodNanos = Math.min(periodNanos, periodFor(timeoutNanos));
        long at = Math.max(deadline, lastRun + periodNanos);
        if (next == null || at < nextAt) {
            schedule(at);
        }
    }

    /** Takes {@code h} out of this sweep; the sweep ends when it was the last. On the loop. */
    private void leave(IdleTimeoutHandler h) {
        if (h.sweepPrev != null) {
            h.sweepPrev.sweepNext = h.sweepNext;
        } else if (first == h) {
            first = h.sweepNext;
        } else {
            return; // not in this sweep (left already)
        }
        if (h.sweepNext != null) {
            h.sweepNext.sweepPrev = h.sweepPrev;
        }
        h.sweepPrev = null;
        h.sweepNext = null;
        if (first == null) {
            end();
        }
    }

    private boolean inList(IdleTimeoutHandler h) {
        return h.sweepPrev != null || first == h;
    }

    private void end() {
        if (next != null) {
            next.cancel(false);
            next = null;
        }
        SWEEPS.remove(loop, this);
    }

    private void schedule(long at) {
        if (next != null) {
            next.cancel(false);
        }
        nextAt = at;
        next = loop.schedule(this, Math.max(0, at - loop.ticker().nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Checks every handler; one whose timeout has passed fires its event (and may leave the list, closing). */
    @Override
    public void run() {
        next = null;
        long now = loop.ticker().nanoTime();
        lastRun = now;
        long earliest = Long.MAX_VALUE;
        try {
            for (IdleTimeoutHandler h = first; h != null; ) {
                IdleTimeoutHandler after = h.sweepNext;
                long deadline = h.check(now);
                if (inList(h)) {
                    earliest = Math.min(earliest, deadline);
                }
                if (after != null && !inList(after)) {
                    // The event closed a later connection too: walk again from the start (a handler just checked is not due).
                    after = first;
                }
                h = after;
            }
        } finally {
            // also after something threw mid-walk: the loop's other connections keep their idle timeouts
            if (first == null) {
                end();
            } else {
                long at = earliest == Long.MAX_VALUE ? now + periodNanos : Math.max(earliest, now + periodNanos);
                if (next == null || at < nextAt) { // a handler that joined during the walk may have scheduled a later check
                    schedule(at);
                }
            }
        }
    }
}
