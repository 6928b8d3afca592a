package dev.berth.core.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * On an IMPLICIT-TLS listener, holds the connection's {@code channelActive} back from the protocol
 * until the TLS handshake has succeeded, so that a protocol which speaks first (an SMTP greeting,
 * say) can never write before TLS is up: its first bytes are always encrypted.
 */
public final class TlsHandshakeGate extends ChannelInboundHandlerAdapter {
    private boolean activeHeld;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        activeHeld = true;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent) {
            if (!((SslHandshakeCompletionEvent) evt).isSuccess()) {
                ctx.close();
                return;
            }
            ctx.pipeline().remove(this);
            if (activeHeld) {
                ctx.fireChannelActive();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }
}
