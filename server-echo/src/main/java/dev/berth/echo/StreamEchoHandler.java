package dev.berth.echo;

import dev.berth.core.spi.Drain;
import dev.berth.echo.internal.TrafficMeter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;

/**
 * Echoes a TCP stream: every byte read is written back. When the client ends its side (a FIN, or a
 * TLS close_notify), the bytes already read are sent and then the connection is closed; when the server
 * drains, they are sent and then the server ends its side, and the connection closes once the client
 * ends its own ({@link DrainedEcho}).
 *
 * <p>Nothing here limits memory by itself: each read is written at once, so the unsent bytes count
 * against the channel's write-buffer watermarks, and core's backpressure handler stops reading
 * while they are above the high one.
 *
 * <p>It keeps no state of a connection's, so one instance serves every connection of a listener (an idle
 * connection should cost little; what it counts for the drain report, {@link EchoProgress}, exists only while
 * the echo is behind), and it counts the listener's traffic meter itself rather than have a
 * meter handler in every pipeline: once the echo is finishing it leaves the pipeline, and whatever the
 * client still sends goes on to the pipeline's end, which releases it unanswered.
 */
@ChannelHandler.Sharable
public final class StreamEchoHandler extends ChannelInboundHandlerAdapter {
    /** The instance without traffic meters, shared by every connection. */
    public static final StreamEchoHandler INSTANCE = new StreamEchoHandler(null);

    /** The listener's traffic meter, counted here rather than by a handler of its own; null: not metered. */
    private final TrafficMeter meter;

    /** A handler, shared by a listener's connections, that counts their traffic in {@code meter} (null: does not). */
    StreamEchoHandler(TrafficMeter meter) {
        this.meter = meter;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf) {
            int n = ((ByteBuf) msg).readableBytes();
            EchoProgress.read(ctx.channel(), n);
            if (meter != null) {
                // Read, and written back whole in the same breath.
                meter.read(n);
                meter.written(n);
            }
        }
        // Flushed once per read burst in channelReadComplete, not once per buffer.
        ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        EchoProgress.flushed(ctx.channel());
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // The client's stream ends with its FIN, or over TLS with its close_notify, which may come without a FIN.
        if (evt instanceof ChannelInputShutdownEvent || evt instanceof SslCloseCompletionEvent) {
            finish(ctx);
            return;
        }
        if (evt == Drain.EVENT) {
            // The client may still be sending: end the server's side after the echo, and close once the client ends its own.
            ChannelFuture sent = ctx.writeAndFlush(Unpooled.EMPTY_BUFFER);
            ctx.pipeline().replace(this, EchoModule.HANDLER, new DrainedEcho(meter));
            DrainedEcho.endServerSide(ctx.channel(), sent);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** Sends what has been read so far, then closes; the empty write completes after every earlier one. */
    private void finish(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        // A write that completed at once has closed the channel, and closing removed every handler.
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }
}
