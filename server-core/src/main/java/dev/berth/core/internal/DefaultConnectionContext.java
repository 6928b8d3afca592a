package dev.berth.core.internal;

import dev.berth.core.ListenerConfig;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProxyTlv;
import dev.berth.core.spi.ServerContext;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;

/** The connection context core keeps in each channel; only core's PROXY handler changes it. */
public final class DefaultConnectionContext implements ConnectionContext {
    private final ListenerConfig listener;
    private final Channel channel;
    private final ServerContext server;
    private volatile InetSocketAddress remote;
    private volatile InetSocketAddress local;
    private volatile boolean proxied;
    private volatile List<ProxyTlv> tlvs = List.of();

    public DefaultConnectionContext(ListenerConfig listener, Channel channel, ServerContext server) {
        this.listener = listener;
        this.channel = channel;
        this.server = server;
        this.remote = (InetSocketAddress) channel.remoteAddress();
        this.local = (InetSocketAddress) channel.localAddress();
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
}
