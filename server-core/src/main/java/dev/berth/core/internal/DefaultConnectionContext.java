package dev.berth.core.internal;

import dev.berth.core.ListenerConfig;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProxyTlv;
import dev.berth.core.spi.ServerContext;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;

/**
 * The connection context core keeps in each channel; only core's PROXY handler changes its addresses. It also
 * carries the few things core keeps per connection (its place in the {@link ConnectionRegistry}, what its close
 * releases, its drain description), so that an idle connection pays for them in one object: its fields are laid
 * out to fit 56 bytes.
 */
public final class DefaultConnectionContext implements ConnectionContext {
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

    public DefaultConnectionContext(ListenerConfig listener, Channel channel, ServerContext server) {
        this(listener, channel, server, (InetSocketAddress) channel.remoteAddress(),
                (InetSocketAddress) channel.localAddress(), null);
    }

    /** A context with the addresses and the TLS session as a module knows them ({@link ConnectionContext#accepted}). */
    public DefaultConnectionContext(ListenerConfig listener, Channel channel, ServerContext server,
                                    InetSocketAddress remote, InetSocketAddress local,
                                    Supplier<Optional<SSLSession>> tlsSession) {
        this.listener = listener;
        this.channel = channel;
        this.server = server;
        this.remote = remote;
        this.local = local;
        this.tlsSession = tlsSession;
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
