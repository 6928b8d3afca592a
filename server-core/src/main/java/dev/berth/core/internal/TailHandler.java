package dev.berth.core.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler core adds: it closes a connection whose idle event no protocol handler took, and
 * logs and closes on an exception that reached the end of the pipeline.
 */
@ChannelHandler.Sharable
public final class TailHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TailHandler.class);
    public static final TailHandler INSTANCE = new TailHandler();

    private TailHandler() {
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing {} after an unhandled error: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
