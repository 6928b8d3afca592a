package dev.berth.core.spi;

import dev.berth.core.ListenerConfig;
import dev.berth.core.internal.DefaultConnectionContext;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;

/**
 * What a protocol knows about one connection (or, for UDP, one bound channel): its listener, the
 * client's address as the PROXY header gave it, and its TLS session once one is established.
 */
public interface ConnectionContext {

    /**
     * The channel attribute that holds the context of a channel a module set up itself ({@link #accepted}). Core's
     * own TCP connections keep theirs in the pipeline instead, so read a context with {@link #of}.
     */
    AttributeKey<ConnectionContext> KEY = AttributeKey.valueOf("berth.connection");

    /** The context of a channel that core set up, or that a module gave one ({@link #KEY}). */
    static ConnectionContext of(Channel channel) {
        ConnectionContext c = DefaultConnectionContext.find(channel);
        if (c == null) {
            throw new IllegalStateException("channel " + channel + " was not set up by a Berth server");
        }
        return c;
    }

    /**
     * The context of a connection that a module accepted itself on {@code listener}'s channel (a QUIC connection on
     * a UDP listener): that listener and server, the client's and local addresses as the module read them (kept: a
     * closed connection may no longer know them), no PROXY header, and the TLS session {@code tlsSession} gives.
     * Set it on the channel ({@link #KEY}) before {@link ServerContext#admit}.
     */
    static ConnectionContext accepted(ConnectionContext listener, Channel channel, InetSocketAddress remote,
                                      InetSocketAddress local, Supplier<Optional<SSLSession>> tlsSession) {
        return new DefaultConnectionContext(listener.listener(), channel, listener.server(), remote, local,
                java.util.Objects.requireNonNull(tlsSession, "tlsSession"));
    }

    ListenerConfig listener();

    Channel channel();

    ServerContext server();

    /**
     * The client's address: the source in the PROXY header when a trusted proxy sent one, the TCP
     * peer otherwise; null for a UDP listener's channel.
     */
    InetSocketAddress remoteAddress();

    /** The listener's local address of this connection (the proxy's destination when a header said so). */
    InetSocketAddress localAddress();

    /** True when the addresses came from a PROXY protocol header. */
    boolean proxied();

    /** The PROXY v2 header's TLVs; empty without a header or with v1. */
    List<ProxyTlv> proxyTlvs();

    /** The TLS session, once a handshake (at accept or after STARTTLS) has completed. */
    default Optional<SSLSession> tlsSession() {
        SslHandler ssl = channel().pipeline().get(SslHandler.class);
        if (ssl == null || !ssl.handshakeFuture().isSuccess()) {
            return Optional.empty();
        }
        return Optional.of(ssl.engine().getSession());
    }
}
