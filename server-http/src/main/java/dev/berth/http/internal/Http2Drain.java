package dev.berth.http.internal;

import dev.berth.core.spi.Drain;
import dev.berth.core.spi.LingeringClose;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * The graceful stop of an HTTP/2 connection. On {@link Drain#EVENT} it closes the channel, which makes
 * Netty's {@code Http2ConnectionHandler} (after this handler) send GOAWAY at once with the last stream
 * id it accepted (RFC 9113 §6.8), ignore streams the client opens after it, and close once every stream
 * in flight has ended.
 *
 * <p>Every close that comes from the codec, after its GOAWAY (this stop's, a flood guard's, a protocol
 * error's), comes here, and here the connection closes as a {@link LingeringClose}: for writing first, then
 * for good when the client closes or the lingering bound passes, so that a client still sending (WINDOW_UPDATE
 * frames while it reads a large answer slowly, the rest of a flood) is not reset, which would throw away the
 * last bytes it had not read yet, GOAWAY included. A client that never closes is cut at that bound, or at the
 * drain deadline, whichever comes first.
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
        if (lingering) {
            // the codec may close more than once after a connection error (a listener on each GOAWAY write); the
            // lingering close under way answers each. The drain deadline's cut does not come this way.
            ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
            return;
        }
        if (!LingeringClose.applies(ctx.channel())) {
            ctx.close(promise);
            return;
        }
        lingering = true;
        // the streams are over: from here nothing the client sends reaches TLS or the codec
        LingeringClose.begin(ctx.channel()).addListener(f -> promise.trySuccess());
    }
}
