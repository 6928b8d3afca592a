package dev.berth.core.internal.tls;

import dev.berth.core.PipelineNames;
import dev.berth.core.tls.ClientHello;
import dev.berth.core.tls.TlsContextProvider;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

/**
 * Reads the ClientHello, asks the listener's {@link TlsContextProvider} for the context of the SNI
 * name, and puts an {@link SslHandler} in its own place under {@link PipelineNames#TLS}.
 */
final class SniSslHandler extends SniHandler {
    /** The SNI host name the client sent, kept for handlers once this handler has gone. */
    static final AttributeKey<String> SNI_HOST = AttributeKey.valueOf("berth.tls-sni-host");

    private final long handshakeTimeoutMillis;
    private final TlsContextProvider provider;
    private ClientHello hello = ClientHello.UNKNOWN;

    SniSslHandler(TlsContextProvider provider, long handshakeTimeoutMillis) {
        super((input, promise) -> promise.setFailure(new IllegalStateException("not used")), handshakeTimeoutMillis);
        this.provider = provider;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /** Reads what the client accepts before the host name lookup below, which the superclass calls next. */
    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) throws Exception {
        hello = ClientHello.parse(clientHello);
        return super.lookup(ctx, clientHello);
    }

    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, String hostName) {
        try {
            return ctx.executor().newSucceededFuture(provider.contextFor(hostName, hello));
        } catch (RuntimeException e) {
            return ctx.executor().newFailedFuture(e);
        }
    }

    @Override
    protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext sslContext) {
        SslHandler ssl = null;
        try {
            ssl = newSslHandler(sslContext, ctx.alloc());
            ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
            if (hostname != null) {
                ctx.channel().attr(SNI_HOST).set(hostname);
            }
            ctx.pipeline().replace(this, PipelineNames.TLS, ssl);
            ssl = null;
        } finally {
            if (ssl != null) {
                ReferenceCountUtil.safeRelease(ssl.engine());
            }
        }
    }
}
