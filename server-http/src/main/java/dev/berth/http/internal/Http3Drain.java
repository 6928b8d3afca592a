package dev.berth.http.internal;

import dev.berth.core.spi.Drain;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http3.DefaultHttp3GoAwayFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The graceful stop of an HTTP/3 connection (RFC 9114 section 5.2). On {@link Drain#EVENT} it sends GOAWAY on
 * the control stream with the id of the first request stream it will not serve, resets request streams the
 * client opens from that id on with H3_REQUEST_REJECTED, lets the streams in flight finish, and then closes the
 * connection with H3_NO_ERROR. The close waits {@link #LINGER} after the last stream ended: a stream's end means
 * its last bytes were handed to QUIC, not yet acknowledged, and a CONNECTION_CLOSE would stop QUIC from sending
 * them again if one was lost. A client that closes first ends it sooner; the drain deadline bounds it all.
 *
 * <p>Sits on the QUIC connection's pipeline after Netty's HTTP/3 connection handler; runs on its event loop.
 */
final class Http3Drain extends ChannelInboundHandlerAdapter {
    /** How long the connection stays open after its last stream ended, for the acknowledgement of the last bytes. */
    static final Duration LINGER = Duration.ofSeconds(1);

    private ChannelHandlerContext ctx;
    /** The next client-initiated bidirectional stream id: every id below it has been seen. */
    private long nextStreamId;
    private int open;
    /** The id sent in GOAWAY, from which streams are refused; -1 until the drain begins. */
    private long goAwayId = -1;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Tells the drain about a request stream the client opened: true to serve it, false when it came after GOAWAY
     * (it has been reset with H3_REQUEST_REJECTED).
     */
    boolean streamOpened(QuicStreamChannel stream) {
        long id = stream.streamId();
        if (goAwayId >= 0 && id >= goAwayId) {
            stream.shutdown(Http3ErrorCode.H3_REQUEST_REJECTED.code());
            stream.close();
            return false;
        }
        nextStreamId = Math.max(nextStreamId, id + 4);
        open++;
        stream.closeFuture().addListener(f -> {
            open--;
            closeIfDone();
        });
        return true;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == Drain.EVENT) {
            if (goAwayId < 0) {
                goAwayId = nextStreamId;
                QuicStreamChannel control = Http3.getLocalControlStream(ctx.channel());
                if (control != null) {
                    control.writeAndFlush(new DefaultHttp3GoAwayFrame(goAwayId));
                }
                closeIfDone();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    private void closeIfDone() {
        if (goAwayId < 0 || open > 0) {
            return;
        }
        ctx.executor().schedule(() -> {
            if (open == 0 && ctx.channel().isActive()) {
                ((QuicChannel) ctx.channel()).close(true, Http3ErrorCode.H3_NO_ERROR.code(),
                        Unpooled.copiedBuffer("server stopping", StandardCharsets.US_ASCII));
            }
        }, LINGER.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What is in flight, for the line logged if the drain deadline cuts the connection; null when idle. */
    String inFlight() {
        if (goAwayId < 0) {
            return null;
        }
        return open > 0 ? "GOAWAY sent, " + open + " request stream(s) in flight"
                : "GOAWAY sent and every stream ended; closing";
    }
}
