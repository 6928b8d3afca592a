package dev.berth.core.internal;

import dev.berth.core.spi.ReadPause;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Stops reading while the channel's outbound buffer is above its high watermark and resumes below
 * the low one, so a client that sends fast but reads slowly cannot make the server buffer without
 * bound. It pauses through {@link ReadPause}, so it never resumes reading a protocol has paused.
 */
@ChannelHandler.Sharable
public final class BackpressureHandler extends ChannelInboundHandlerAdapter {
    public static final BackpressureHandler INSTANCE = new BackpressureHandler();
    /** The {@link ReadPause} reason of an unwritable channel. */
    public static final Object UNWRITABLE = "unwritable";

    private BackpressureHandler() {
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        update(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
        // The protocol may have written during this read without the writability event having fired yet.
        update(ctx);
    }

    /** Pauses or resumes reading by the channel's writability; also what {@link IdleBackpressureHandler} applies. */
    static void update(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            ReadPause.resume(ctx.channel(), UNWRITABLE);
        } else {
            ReadPause.pause(ctx.channel(), UNWRITABLE);
        }
    }
}
