package dev.berth.http.internal;

import dev.berth.core.spi.ReadPause;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The body timeout on an HTTP/2 or HTTP/3 request stream, as {@link StrictRequestDecoder} keeps it on an HTTP/1.1
 * connection: a
 * request whose body stops arriving for the timeout is answered 408 (and the stream reset) in place of the
 * request. Time while the server itself holds reading off, on the stream or the connection, does not count.
 */
final class Http2BodyTimeout extends ChannelInboundHandlerAdapter {
    private final long timeoutNanos;
    private ScheduledFuture<?> timer;
    private long lastBodyBytes;
    private boolean inBody;

    Http2BodyTimeout(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest && !(msg instanceof FullHttpRequest)) {
            inBody = true;
            lastBodyBytes = System.nanoTime();
            schedule(ctx, timeoutNanos);
        } else if (msg instanceof LastHttpContent) {
            stop();
        } else if (msg instanceof HttpContent) {
            lastBodyBytes = System.nanoTime();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    private void stop() {
        inBody = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void schedule(ChannelHandlerContext ctx, long delayNanos) {
        timer = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
        timer = null;
        if (!inBody || !ctx.channel().isActive()) {
            return;
        }
        if (paused(ctx.channel())) {
            // the server is not reading (a slow handler, backpressure): the client is not at fault
            lastBodyBytes = System.nanoTime();
        }
        long left = timeoutNanos - (System.nanoTime() - lastBodyBytes);
        if (left > 0) {
            schedule(ctx, left);
            return;
        }
        inBody = false;
        ctx.fireChannelRead(new HttpDecodeFailure(408, "no request body bytes for "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
        ctx.fireChannelReadComplete();
    }

    private static boolean paused(Channel stream) {
        return ReadPause.paused(stream) || !stream.config().isAutoRead()
                || stream.parent() != null && ReadPause.paused(stream.parent());
    }
}
