package dev.berth.core.internal;

import dev.berth.core.spi.ReadPause;
import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;

/**
 * A served connection's idle timer ({@link IdleTimeoutHandler}; none with a zero timeout) that also applies
 * backpressure: it stops reading while the channel's outbound buffer is above its high watermark and resumes
 * below the low one, so a client that sends fast but reads slowly cannot make the server buffer without bound. It
 * pauses through {@link ReadPause}, so it never resumes reading a protocol has paused.
 *
 * <p>The connection's context is this handler ({@link DefaultConnectionContext}), so that an idle connection
 * carries one object and one pipeline context for the three: they stood apart in every pipeline, and an idle
 * connection paid for each.
 */
public abstract class IdleBackpressureHandler extends IdleTimeoutHandler {
    /** The {@link ReadPause} reason of an unwritable channel. */
    static final Object UNWRITABLE = "unwritable";

    protected IdleBackpressureHandler(Duration timeout) {
        super(timeout);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        update(ctx);
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        super.channelReadComplete(ctx);
        // The protocol may have written during this read without the writability event having fired yet.
        update(ctx);
    }

    /** Pauses or resumes reading by the channel's writability. */
    private static void update(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            ReadPause.resume(ctx.channel(), UNWRITABLE);
        } else {
            ReadPause.pause(ctx.channel(), UNWRITABLE);
        }
    }
}
