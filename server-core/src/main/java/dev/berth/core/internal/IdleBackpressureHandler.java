package dev.berth.core.internal;

import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;

/**
 * A served connection's idle timer ({@link IdleTimeoutHandler}) that also applies backpressure as
 * {@link BackpressureHandler} does, so that a connection with an idle timeout carries one handler, and one
 * pipeline context, for both: the two stood side by side in every pipeline, and an idle connection paid
 * for each.
 */
public final class IdleBackpressureHandler extends IdleTimeoutHandler {
    public IdleBackpressureHandler(Duration timeout) {
        super(timeout);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        BackpressureHandler.update(ctx);
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        super.channelReadComplete(ctx);
        // The protocol may have written during this read without the writability event having fired yet.
        BackpressureHandler.update(ctx);
    }
}
