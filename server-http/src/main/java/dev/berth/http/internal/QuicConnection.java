package dev.berth.http.internal;

import dev.berth.core.ListenerConfig;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProxyTlv;
import dev.berth.core.spi.ServerContext;
import io.netty.channel.Channel;
import io.netty.handler.codec.quic.QuicChannel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * What HTTP knows about one QUIC connection of an HTTP/3 listener: core sets up only the listener's UDP
 * channel, so each connection the QUIC codec accepts gets its own context, with the client's address and
 * the connection's TLS 1.3 session.
 */
final class QuicConnection implements ConnectionContext {
    private final ConnectionContext listener;
    private final QuicChannel channel;
    /** Taken at the start: a closed QUIC channel no longer knows its peer, and the access log asks after the close. */
    private final InetSocketAddress remote;
    private final InetSocketAddress local;

    QuicConnection(ConnectionContext listener, QuicChannel channel) {
        this.listener = listener;
        this.channel = channel;
        this.remote = (InetSocketAddress) channel.remoteSocketAddress();
        this.local = (InetSocketAddress) channel.localSocketAddress();
    }

    @Override
    public ListenerConfig listener() {
        return listener.listener();
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public ServerContext server() {
        return listener.server();
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
        return false;
    }

    @Override
    public List<ProxyTlv> proxyTlvs() {
        return List.of();
    }

    @Override
    public Optional<SSLSession> tlsSession() {
        SSLEngine engine = channel.sslEngine();
        return engine == null ? Optional.empty() : Optional.of(engine.getSession());
    }
}
