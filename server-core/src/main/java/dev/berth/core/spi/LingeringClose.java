package dev.berth.core.spi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a TCP connection after the server's last answer (an HTTP/1.1 answer that ends the connection, an
 * HTTP/2 GOAWAY, an SMTP 421 or 221) in two steps, so that a client still sending can read that answer: first for writing only
 * (TLS {@code close_notify}, then a TCP FIN, once every byte written before has left), then for good when
 * the client closes, or after {@link #TIME} or {@link #BYTES} more from the client, whichever comes first
 * (RFC 9112 section 9.6; nginx's {@code lingering_close}).
 *
 * <p>A plain close while the client's bytes still arrive, or are unread in the socket, makes the kernel
 * reset the connection, and the reset drops what the server's kernel had not yet sent: the answer, when
 * the client's receive window is full because it reads only once it has finished sending. Meanwhile this
 * handler, placed first in the pipeline, discards what the client sends before TLS or any codec sees it,
 * and reads whatever else paused reading: a socket left unread is what the reset is about. A second close
 * (the drain deadline's) closes at once.
 *
 * <p>A module's handler ends a connection with {@code ctx.writeAndFlush(last).addListener(AFTER_LAST_ANSWER)}
 * instead of {@code ChannelFutureListener.CLOSE}. Call on the channel's event loop.
 */
public final class LingeringClose extends ChannelInboundHandlerAdapter {
    /** The name of this handler, first in the pipeline once the lingering close has begun. */
    public static final String NAME = "berth.lingering-close";
    /** How long the server goes on reading after its last answer, at most. */
    public static final Duration TIME = Duration.ofSeconds(5);
    /** How many bytes the server reads and discards after its last answer, at most. */
    public static final long BYTES = 8L * 1024 * 1024;
    /** Closes with a lingering close once the write it listens to has succeeded, at once if it failed. */
    public static final ChannelFutureListener AFTER_LAST_ANSWER = f -> {
        if (f.isSuccess() && applies(f.channel())) {
            begin(f.channel());
        } else {
            f.channel().close();
        }
    };

    private final long timeNanos;
    private final long maxBytes;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private long discarded;

    private LingeringClose(Duration time, long maxBytes) {
        this.timeNanos = time.toNanos();
        this.maxBytes = maxBytes;
    }

    /** True when {@code channel} can close this way: open, a TCP connection, and not already lingering. */
    public static boolean applies(Channel channel) {
        return channel.isActive() && channel instanceof DuplexChannel && channel.pipeline().get(NAME) == null;
    }

    /** Begins the lingering close of {@code channel}, on its event loop, with the default bounds. */
    public static ChannelFuture begin(Channel channel) {
        return begin(channel, TIME, BYTES);
    }

    /**
     * Begins the lingering close of {@code channel}, on its event loop, when {@link #applies} holds; returns
     * its close future.
     */
    public static ChannelFuture begin(Channel channel, Duration time, long maxBytes) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> begin(channel, time, maxBytes));
            return channel.closeFuture();
        }
        LingeringClose linger = new LingeringClose(time, maxBytes);
        channel.pipeline().addFirst(NAME, linger);
        channel.config().setAutoRead(true);
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        // every byte written before is on its way once this write is done: only then may the FIN follow
        ChannelFuture sent = tls != null ? tls.closeOutbound() : linger.ctx.writeAndFlush(Unpooled.EMPTY_BUFFER);
        sent.addListener(f -> {
            if (f.isSuccess() && channel.isActive()) {
                ((DuplexChannel) channel).shutdownOutput().addListener(linger::closeIfFailed);
            } else {
                linger.ctx.close();
            }
        });
        return channel.closeFuture();
    }

    private void closeIfFailed(Future<?> f) {
        if (!f.isSuccess()) {
            ctx.close();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        timer = ctx.executor().schedule((Runnable) ctx::close, timeNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf) {
            discarded += ((ByteBuf) msg).readableBytes();
        }
        ReferenceCountUtil.release(msg);
        if (discarded > maxBytes) {
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // nothing was passed on; and whoever paused reading (backpressure, a protocol) is done with this connection
        if (!ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // kept from core's backpressure, which would stop reading while the last answer waits for the client
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.close(); // the client closed its side: the answer and the FIN are in its hands
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset or a read error: nothing is left to protect
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        timer.cancel(false);
        super.channelInactive(ctx);
    }
}
