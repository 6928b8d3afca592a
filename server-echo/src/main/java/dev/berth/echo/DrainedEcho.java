package dev.berth.echo;

import dev.berth.echo.internal.TrafficMeter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An echo connection the server is draining: its echo so far has been sent and the server's side
 * ended (close_notify over TLS, then a FIN); what the client still sends is read and dropped until
 * it ends its side too, or for at most {@link #LINGER}, and then the connection closes.
 *
 * <p>Why not close at once: closing a socket with unread input makes the kernel reset the
 * connection, and a reset can throw away the echo still on its way to the client (nginx's
 * lingering close does the same for HTTP).
 */
final class DrainedEcho extends ChannelInboundHandlerAdapter {
    /** How long after the server's end the client has to end its side before the connection is closed anyway. */
    static final Duration LINGER = Duration.ofSeconds(2);

    /** Ends the server's side of {@code ch} once the write {@code sent} is out: a close where a half-close is not possible. */
    static void endServerSide(Channel ch, ChannelFuture sent) {
        sent.addListener(f -> {
            SslHandler tls = ch.pipeline().get(SslHandler.class);
            if (!f.isSuccess() || !(ch instanceof DuplexChannel)) {
                ch.close();
            } else if (tls != null) {
                tls.closeOutbound().addListener(c -> shutdownOutput(ch));
            } else {
                shutdownOutput(ch);
            }
        });
    }

    private static void shutdownOutput(Channel ch) {
        ((DuplexChannel) ch).shutdownOutput().addListener(f -> {
            if (!f.isSuccess()) {
                ch.close();
            } else {
                // A channel whose output is shut down counts as unwritable, so core's backpressure
                // keeps reading paused from now on: ask for each read, until the client's end.
                ch.read();
                // A client that does not react to the end of the stream is not waited for long: by
                // now it has had time to read its echo, so a reset can no longer throw it away.
                ch.eventLoop().schedule(() -> {
                    ch.close();
                }, LINGER.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Later, not now: core's backpressure pauses reading after this event has passed, which would cancel the request.
        ctx.executor().execute(() -> {
            if (ctx.channel() instanceof DuplexChannel && ctx.channel().isActive()
                    && !((DuplexChannel) ctx.channel()).isInputShutdown()) {
                ctx.read();
            }
        });
        ctx.fireChannelReadComplete();
    }

    /** The listener's traffic meter, which counts what is read and dropped too; null: not metered. */
    private final TrafficMeter meter;

    DrainedEcho(TrafficMeter meter) {
        this.meter = meter;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (meter != null && msg instanceof ByteBuf) {
            meter.read(((ByteBuf) msg).readableBytes());
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent || evt instanceof SslCloseCompletionEvent) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
