package dev.berth.http.internal;

import dev.berth.core.spi.Drain;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http3.DefaultHttp3GoAwayFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ErrorCode;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionStats;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The graceful stop of an HTTP/3 connection (RFC 9114 section 5.2). On {@link Drain#EVENT} it sends GOAWAY on
 * the control stream with the id of the first request stream it will not serve, resets request streams the
 * client opens from that id on with H3_REQUEST_REJECTED, lets the streams in flight finish, and then closes the
 * connection with H3_NO_ERROR. A stream's end means its last bytes were handed to QUIC, not that they were sent:
 * QUIC takes as much as the client's flow-control window allows (a whole download, often) and sends it at the
 * pace of congestion control, and a CONNECTION_CLOSE drops what it still holds. So the close waits until the
 * connection has sent nothing for {@link #LINGER} after the last stream ended: no bytes still queued, and no
 * loss being repaired (a lost packet is sent again within a probe timeout, under that on the paths it is
 * meant for). Two cases it does not cover: a client that holds back flow-control credit for longer, or a
 * path whose backed-off probe timeout exceeds it, can still be closed with bytes unsent; and a client that
 * keeps sending (PINGs more often than that) keeps the connection open, as each of its packets is
 * acknowledged. A client that closes first ends it sooner; the drain deadline bounds it all.
 *
 * <p>Sits on the QUIC connection's pipeline after Netty's HTTP/3 connection handler; runs on its event loop.
 */
final class Http3Drain extends ChannelInboundHandlerAdapter {
    /**
     * How long the connection must have sent nothing, after its last stream ended, before it is closed: the
     * queued bytes are out and their acknowledgements have had time to come back.
     */
    static final Duration LINGER = Duration.ofSeconds(1);

    private ChannelHandlerContext ctx;
    /** The next client-initiated bidirectional stream id: every id below it has been seen. */
    private long nextStreamId;
    private int open;
    /** The id sent in GOAWAY, from which streams are refused; -1 until the drain begins. */
    private long goAwayId = -1;
    /** Whether a quiet-period check is scheduled. */
    private boolean closing;

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
        if (goAwayId < 0 || open > 0 || closing) {
            return;
        }
        closing = true;
        ((QuicChannel) ctx.channel()).collectStats().addListener(f -> closeWhenQuiet(sentBytes(f)));
    }

    private static long sentBytes(Future<?> stats) {
        return stats.isSuccess() ? ((QuicConnectionStats) stats.getNow()).sentBytes() : -1;
    }

    /** Closes the connection if it sent no byte in the last {@link #LINGER} ({@code sentBefore} bytes before). */
    private void closeWhenQuiet(long sentBefore) {
        ctx.executor().schedule(() -> stillClosing(() -> ((QuicChannel) ctx.channel()).collectStats().addListener(
                f -> stillClosing(() -> {
                    long sent = sentBytes(f);
                    if (sent >= 0 && sent != sentBefore) {
                        closeWhenQuiet(sent);
                    } else {
                        ((QuicChannel) ctx.channel()).close(true, Http3ErrorCode.H3_NO_ERROR.code(),
                                Unpooled.copiedBuffer("server stopping", StandardCharsets.US_ASCII));
                    }
                }))), LINGER.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code next} while the connection is open with no stream in flight; a stream that opened restarts it. */
    private void stillClosing(Runnable next) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (open > 0) {
            closing = false;
            return;
        }
        next.run();
    }

    /** What is in flight, for the line logged if the drain deadline cuts the connection; null when idle. */
    String inFlight() {
        if (goAwayId < 0) {
            return null;
        }
        return open > 0 ? "GOAWAY sent, " + open + " request stream(s) in flight"
                : "GOAWAY sent and every stream ended; closing once the last bytes are sent";
    }
}
