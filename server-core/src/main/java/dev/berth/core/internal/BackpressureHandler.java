package dev.berth.core.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Stops reading while the channel's outbound buffer is above its high watermark and resumes below
 * the low one, so a client that sends fast but reads slowly cannot make the server buffer without bound.
 */
@ChannelHandler.Sharable
public final class BackpressureHandler extends ChannelInboundHandlerAdapter {
    public static final BackpressureHandler INSTANCE = new BackpressureHandler();

    private BackpressureHandler() {
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
        // The protocol may have written during this read without flushing into an unwritable state yet.
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }
}
