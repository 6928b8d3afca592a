package dev.berth.core.internal;

import dev.berth.core.Addresses;
import dev.berth.core.Limits;
import dev.berth.core.internal.metrics.ListenerMeters;
import dev.berth.core.spi.ConnectionContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a listener's open connections, in total and per client address (after PROXY), and closes
 * at once a connection that would go over either limit. Shared by every connection of a listener;
 * once a connection is counted it leaves that connection's pipeline, and the server's
 * {@link ConnectionRegistry} has it uncounted on close, so an idle connection carries nothing of it
 * but a reference in its context.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);

    private final String listener;
    private final ListenerMeters meters;
    // volatile: SIGHUP may change them (limits(...)) while event loops read them
    private volatile int maxTotal;
    private volatile int maxPerIp;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    /*
     * Which of the two a connection's context holds says whether this limiter counted it, without a flag of its own.
     * The address is read back from the context: PROXY had set it before the connection was counted.
     */
    private final Release uncounted = c -> closedInMeters();
    private final Release counted = c -> {
        closedInMeters();
        total.decrementAndGet();
        release(c.remoteAddress().getAddress());
    };

    public ConnectionLimiter(String listener, Limits limits) {
        this(listener, limits, null);
    }

    /** A limiter that also counts its refusals by reason in {@code meters} (null: counts them only itself). */
    public ConnectionLimiter(String listener, Limits limits, ListenerMeters meters) {
        this.listener = listener;
        this.meters = meters;
        this.maxTotal = limits.maxConnections();
        this.maxPerIp = limits.maxConnectionsPerIp();
    }

    /** New limits for connections that open from now on; those open now stay open and are counted. */
    public void limits(Limits limits) {
        this.maxTotal = limits.maxConnections();
        this.maxPerIp = limits.maxConnectionsPerIp();
    }

    /** Connections closed so far because a limit was reached. */
    public long refused() {
        return refused.get();
    }

    /** Connections counted as open now. */
    public int open() {
        return total.get();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (!admit(ctx.channel())) {
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }

    /**
     * Counts {@code connection} (its client address read from its {@link ConnectionContext}) until it closes;
     * false, counting it as refused, when it would go over a limit: the caller then closes it.
     */
    public boolean admit(Channel connection) {
        InetAddress client = ConnectionContext.of(connection).remoteAddress().getAddress();
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            if (meters != null) {
                meters.rejectedOverTotalLimit();
            }
            refused(connection, client, "the listener's limit of " + maxTotal + " connections");
            return false;
        }
        AtomicInteger mine = perIp.compute(client, (k, v) -> {
            AtomicInteger n = v == null ? new AtomicInteger() : v;
            n.incrementAndGet();
            return n;
        });
        if (mine.get() > maxPerIp) {
            total.decrementAndGet();
            release(client);
            if (meters != null) {
                meters.rejectedOverPerIpLimit();
            }
            refused(connection, client, "the limit of " + maxPerIp + " connections per client address");
            return false;
        }
        ((DefaultConnectionContext) ConnectionContext.of(connection)).release = counted;
        return true;
    }

    /** What a connection's close releases, by the {@link ConnectionRegistry}; on the connection's event loop. */
    @FunctionalInterface
    interface Release {
        void released(DefaultConnectionContext connection);
    }

    /** The release of a connection not counted (yet, or ever): its close is counted in the meters. */
    Release uncounted() {
        return uncounted;
    }

    private void closedInMeters() {
        if (meters != null) {
            meters.closed();
        }
    }

    private void release(InetAddress client) {
        perIp.computeIfPresent(client, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }

    private void refused(Channel connection, InetAddress client, String limit) {
        long n = refused.incrementAndGet();
        if (log.isDebugEnabled()) {
            log.debug("{}: closed a connection from {} over {} ({} refused so far)", listener,
                    client == null ? "?" : Addresses.describe(ConnectionContext.of(connection).remoteAddress()),
                    limit, n);
        }
    }
}
