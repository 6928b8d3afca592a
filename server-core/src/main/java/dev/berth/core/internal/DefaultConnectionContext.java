package dev.berth.core.internal;

import dev.berth.core.ListenerConfig;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProxyTlv;
import dev.berth.core.spi.ServerContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;

/**
 * The connection context core keeps for each channel; only core's PROXY handler changes its addresses. It also
 * carries the few things core keeps per connection (its place in the {@link ConnectionRegistry}, what its close
 * releases, its drain description), so that an idle connection pays for them in one object.
 *
 * <p>A TCP connection's context is also its idle timer and backpressure handler, in the pipeline as
 * {@link dev.berth.core.PipelineNames#IDLE_TIMEOUT} (or {@link dev.berth.core.PipelineNames#BACKPRESSURE} without
 * an idle timeout), and {@link #find} reaches it there: the channel attribute {@link ConnectionContext#KEY}, an
 * attribute array and an entry, would cost an idle connection 48 bytes more. The context takes the attribute only
 * once it leaves the pipeline (a module removed it, or the channel closed), so that it stays reachable. Other
 * channels' contexts (UDP, a module's own connections, tests) are in the attribute from the start.
 */
public final class DefaultConnectionContext extends IdleBackpressureHandler implements ConnectionContext {
    private final ListenerConfig listener;
    private final Channel channel;
    private final ServerContext server;
    private volatile InetSocketAddress remote;
    private volatile InetSocketAddress local;
    /** The PROXY header's TLVs; null when no trusted header was read. */
    private volatile List<ProxyTlv> tlvs;
    /** Where the TLS session comes from when it is not an {@code SslHandler}'s (QUIC's); null for that default. */
    private final Supplier<Optional<SSLSession>> tlsSession;
    /** The neighbours in the {@link ConnectionRegistry}'s list of its event loop; only the registry touches them. */
    DefaultConnectionContext registryPrev;
    DefaultConnectionContext registryNext;
    /** What its close releases: its place in the meters, and its count once the limiter counted it. */
    ConnectionLimiter.Release release;
    /** What its protocol says is in flight, for the drain report ({@link dev.berth.core.spi.Drain#describeInFlight}). */
    private volatile Supplier<String> inFlight;

    /** The context of a channel that is not a served TCP connection (a UDP listener's): no idle timer. */
    public DefaultConnectionContext(ListenerConfig listener, Channel channel, ServerContext server) {
        this(listener, channel, server, Duration.ZERO);
    }

    /** The context of a served TCP connection whose idle timeout is {@code idleTimeout} (zero: none). */
    public DefaultConnectionContext(ListenerConfig listener, Channel channel, ServerContext server, Duration idleTimeout) {
        this(listener, channel, server, idleTimeout, (InetSocketAddress) channel.remoteAddress(),
                (InetSocketAddress) channel.localAddress(), null);
    }

    /** A context with the addresses and the TLS session as a module knows them ({@link ConnectionContext#accepted}). */
    public DefaultConnectionContext(ListenerConfig listener, Channel channel, ServerContext server,
                                    InetSocketAddress remote, InetSocketAddress local,
                                    Supplier<Optional<SSLSession>> tlsSession) {
        this(listener, channel, server, Duration.ZERO, remote, local, tlsSession);
    }

    private DefaultConnectionContext(ListenerConfig listener, Channel channel, ServerContext server, Duration idleTimeout,
                                     InetSocketAddress remote, InetSocketAddress local,
                                     Supplier<Optional<SSLSession>> tlsSession) {
        super(idleTimeout);
        this.listener = listener;
        this.channel = channel;
        this.server = server;
        this.remote = remote;
        this.local = local;
        this.tlsSession = tlsSession;
    }

    /**
     * The context of {@code channel}: the one in its attribute ({@link ConnectionContext#KEY}), else the one in its
     * pipeline; null when it has neither.
     */
    public static ConnectionContext find(Channel channel) {
        if (channel.hasAttr(KEY)) {
            ConnectionContext c = channel.attr(KEY).get();
            if (c != null) {
                return c;
            }
        }
        DefaultConnectionContext c = channel.pipeline().get(DefaultConnectionContext.class);
        if (c != null) {
            return c;
        }
        // It may have left the pipeline since the first look, and taken the attribute on its way out.
        return channel.hasAttr(KEY) ? channel.attr(KEY).get() : null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // Before the closed channel's pipeline is emptied, so that a look from another thread finds it in one place or the other.
        stayReachable(ctx.channel());
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stayReachable(ctx.channel());
        super.handlerRemoved(ctx);
    }

    private void stayReachable(Channel ch) {
        ch.attr(KEY).setIfAbsent(this);
    }

    /** Records what a trusted PROXY header said. */
    public void proxiedFrom(InetSocketAddress source, InetSocketAddress destination, List<ProxyTlv> tlvs) {
        this.remote = source;
        this.local = destination;
        this.tlvs = List.copyOf(tlvs); // last: it also says that the addresses came from a header
    }

    /** Keeps {@code description} for the drain report; see {@link dev.berth.core.spi.Drain#describeInFlight}. */
    public void describeInFlight(Supplier<String> description) {
        this.inFlight = description;
    }

    /** What {@link #describeInFlight} was given; null when nothing was. */
    public Supplier<String> inFlight() {
        return inFlight;
    }

    @Override
    public ListenerConfig listener() {
        return listener;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public ServerContext server() {
        return server;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public boolean proxied() {
        return tlvs != null;
    }

    @Override
    public List<ProxyTlv> proxyTlvs() {
        List<ProxyTlv> t = tlvs;
        return t == null ? List.of() : t;
    }

    @Override
    public Optional<SSLSession> tlsSession() {
        return tlsSession != null ? tlsSession.get() : ConnectionContext.super.tlsSession();
    }
}
