package dev.berth.core.tls;

import dev.berth.core.PipelineNames;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.AttributeKey;

/**
 * Reads the ClientHello, asks the listener's {@link TlsContextProvider} for the context of the SNI
 * name, and puts an {@link SslHandler} in its own place under {@link PipelineNames#TLS}.
 */
final class SniSslHandler extends SniHandler {
    /** The SNI host name the client sent, kept for handlers once this handler has gone. */
    static final AttributeKey<String> SNI_HOST = AttributeKey.valueOf("berth.tls-sni-host");

    private final long handshakeTimeoutMillis;

    SniSslHandler(TlsContextProvider provider, long handshakeTimeoutMillis) {
        super((input, promise) -> {
            try {
                return promise.setSuccess(provider.contextFor(input));
            } catch (RuntimeException e) {
                return promise.setFailure(e);
            }
        }, handshakeTimeoutMillis);
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
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
