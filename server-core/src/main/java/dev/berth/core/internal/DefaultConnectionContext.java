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

/** The connection context core keeps in each channel; only core's PROXY handler changes it. */
public final class DefaultConnectionContext implements ConnectionContext {
    private final ListenerConfig listener;
    private final Channel channel;
    private final ServerContext server;
    private volatile InetSocketAddress remote;
    private volatile InetSocketAddress local;
    private volatile boolean proxied;
    private volatile List<ProxyTlv> tlvs = List.of();
    /** Where the TLS session comes from when it is not an {@code SslHandler}'s (QUIC's); null for that default. */
    private final Supplier<Optional<SSLSession>> tlsSession;
    /** The neighbours in the {@link ConnectionRegistry}'s list of its event loop; only the registry touches them. */
    DefaultConnectionContext registryPrev;
    DefaultConnectionContext registryNext;
    /** Who uncounts this connection when it closes (set by the registry), and whether it counted it. */
    ConnectionLimiter limiter;
    boolean counted;

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
        this.tlvs = List.copyOf(tlvs);
        this.proxied = true;
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
        return proxied;
    }

    @Override
    public List<ProxyTlv> proxyTlvs() {
        return tlvs;
    }

    @Override
    public Optional<SSLSession> tlsSession() {
        return tlsSession != null ? tlsSession.get() : ConnectionContext.super.tlsSession();
    }
}
