package dev.berth.core.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server's open connections, so that a graceful stop can reach every one; when a connection closes it
 * leaves, and its {@link ConnectionLimiter} uncounts it and its meters count the close.
 *
 * <p>Built for idle connections to cost little: one list per event loop, linked through the connections'
 * own {@link DefaultConnectionContext}s (no map entry, no node object), and one close listener shared by
 * every connection (a channel with one listener keeps it in a field; more take a list object and an
 * array). A list is changed on its loop's thread under a lock no other loop takes, so a stop can still read
 * it from its own thread when the loop is busy.
 */
public final class ConnectionRegistry {
    private final Map<EventExecutor, Loop> loops = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final ChannelFutureListener onClose = f -> closed(f.channel());

    /** One event loop's connections. */
    private static final class Loop {
        DefaultConnectionContext first;
    }

    /**
     * Adds {@code connection} (set up by core, and reachable from its channel by {@link DefaultConnectionContext#find}
     * until it closes); when it closes, it leaves and {@code limiter} releases it: counts the close in its meters, and
     * uncounts it if it had {@link ConnectionLimiter#admit admitted} it.
     */
    public void add(DefaultConnectionContext connection, ConnectionLimiter limiter) {
        Channel ch = connection.channel();
        if (connection.release == null) { // a module's connection is admitted, and counted, before it is added
            connection.release = limiter.uncounted();
        }
        Loop l = loops.computeIfAbsent(ch.eventLoop(), k -> new Loop());
        synchronized (l) {
            connection.registryNext = l.first;
            if (l.first != null) {
                l.first.registryPrev = connection;
            }
            l.first = connection;
        }
        open.incrementAndGet();
        ch.closeFuture().addListener(onClose);
    }

    private void closed(Channel ch) {
        DefaultConnectionContext c = (DefaultConnectionContext) DefaultConnectionContext.find(ch);
        Loop l = loops.get(ch.eventLoop());
        synchronized (l) {
            if (c.registryPrev != null) {
                c.registryPrev.registryNext = c.registryNext;
            } else if (l.first == c) {
                l.first = c.registryNext;
            }
            if (c.registryNext != null) {
                c.registryNext.registryPrev = c.registryPrev;
            }
            c.registryPrev = null;
            c.registryNext = null;
        }
        open.decrementAndGet();
        c.release.released(c);
    }

    /** Connections open now. */
    public int size() {
        return open.get();
    }

    /** The connections open now. */
    public List<Channel> snapshot() {
        List<Channel> all = new ArrayList<>();
        for (Loop l : loops.values()) {
            synchronized (l) {
                for (DefaultConnectionContext c = l.first; c != null; c = c.registryNext) {
                    all.add(c.channel());
                }
            }
        }
        return all;
    }

    /** Fires {@code event} through every connection that is still active, each on its own event loop; does not wait. */
    public void fireUserEvent(Object event) {
        for (Channel ch : snapshot()) {
            try {
                ch.eventLoop().execute(() -> {
                    if (ch.isActive()) {
                        ch.pipeline().fireUserEventTriggered(event);
                    }
                });
            } catch (RejectedExecutionException e) {
                // its loop is shut down, and the connection closed with it
            }
        }
    }

    /** Closes every connection open now, waiting up to {@code millis} for them to close. */
    public void closeAll(long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        List<ChannelFuture> closing = new ArrayList<>();
        for (Channel ch : snapshot()) {
            closing.add(ch.close());
        }
        for (ChannelFuture f : closing) {
            f.awaitUninterruptibly(Math.max(0, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
        }
    }
}
