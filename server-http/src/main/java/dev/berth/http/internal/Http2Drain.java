package dev.berth.http.internal;

import dev.berth.core.spi.Drain;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * The graceful stop of an HTTP/2 connection. On {@link Drain#EVENT} it closes the channel, which makes
 * Netty's {@code Http2ConnectionHandler} (after this handler) send GOAWAY at once with the last stream
 * id it accepted (RFC 9113 §6.8), ignore streams the client opens after it, and close once every stream
 * in flight has ended.
 *
 * <p>That close comes here, and here the connection closes in two steps, as a lingering close: first
 * for writing only (TLS {@code close_notify}, then a TCP FIN, once every byte written before has left),
 * then for good when the client closes its side. A plain close would leave the socket closed while the
 * client, reading slower than the server wrote, still sends WINDOW_UPDATE frames; the kernel answers
 * those with a reset, and the reset throws away the last megabytes the client had not read yet. What
 * the client sends meanwhile is discarded. A client that never closes is cut at the drain deadline.
 *
 * <p>This handler sits between TLS and the codec; its {@link #cut()} handler goes last, after the
 * multiplexer, where it sees a close from outside (the drain deadline) before the codec would turn it
 * into one more wait for the streams: once the stop has begun, such a close closes the connection now.
 */
final class Http2Drain extends ChannelDuplexHandler {
    private final Cut cut = new Cut();
    private ChannelHandlerContext ctx;
    private boolean draining;
    private boolean lingering;
    private ChannelPromise closed;

    /** The handler to place last in the connection's pipeline. */
    ChannelHandler cut() {
        return cut;
    }

    /** Closes at once what the codec would keep open for its streams: the drain deadline's close. */
    private final class Cut extends ChannelOutboundHandlerAdapter {
        private ChannelHandlerContext cutCtx;

        @Override
        public void handlerAdded(ChannelHandlerContext cutCtx) {
            this.cutCtx = cutCtx;
        }

        @Override
        public void close(ChannelHandlerContext cutCtx, ChannelPromise promise) {
            if (draining && ctx != null) {
                ctx.close(promise); // from below the codec and this handler: TLS close_notify, then the socket
            } else {
                cutCtx.close(promise);
            }
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        InFlight.add(ctx.channel(), () -> lingering
                ? "GOAWAY sent and every stream ended; waiting for the client to read the last bytes and close" : null);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == Drain.EVENT) {
            draining = true;
            // from just before the cut handler: the codec sends GOAWAY and closes when its streams are done
            ChannelHandlerContext last = cut.cutCtx;
            if (last != null) {
                last.close();
            } else {
                ctx.channel().close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        if (!draining || lingering || !ctx.channel().isActive() || !(ctx.channel() instanceof DuplexChannel)) {
            ctx.close(promise);
            return;
        }
        lingering = true;
        closed = promise;
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        // every byte written before is on its way once this write is done: only then may the FIN follow
        ChannelFuture sent = tls != null ? tls.closeOutbound() : ctx.writeAndFlush(Unpooled.EMPTY_BUFFER);
        sent.addListener(f -> {
            if (f.isSuccess() && ctx.channel().isActive()) {
                ((DuplexChannel) ctx.channel()).shutdownOutput();
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (lingering) {
            ReferenceCountUtil.release(msg); // the streams are over: nothing the client says is answered
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (closed != null) {
            closed.trySuccess();
        }
        super.channelInactive(ctx);
    }
}
