package dev.berth.http.internal;

import dev.berth.core.spi.ConnectionContext;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import java.nio.charset.StandardCharsets;

/**
 * Counts a QUIC connection like an accepted TCP one once its handshake is done ({@code ServerContext.admit}):
 * against the listener's connection limits, in its meters and in a graceful stop. A connection a limit refuses (or
 * one that completes its handshake while the server stops) is closed at once with the transport error
 * CONNECTION_REFUSED (RFC 9000 section 20.1), before any HTTP/3 stream is served.
 */
final class QuicAdmission extends ChannelInboundHandlerAdapter {
    /** QUIC's transport error code CONNECTION_REFUSED. */
    static final int CONNECTION_REFUSED = 0x2;

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ConnectionContext connection = ConnectionContext.of(ctx.channel());
        if (!connection.server().admit(ctx.channel())) {
            ((QuicChannel) ctx.channel()).close(false, CONNECTION_REFUSED,
                    Unpooled.copiedBuffer("connection limit", StandardCharsets.US_ASCII));
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }
}
