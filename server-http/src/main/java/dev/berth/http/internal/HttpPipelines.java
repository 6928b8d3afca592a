package dev.berth.http.internal;

import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.Drain;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;

/**
 * Installs the handlers of each HTTP version after a given handler: HTTP/1.1 gets the strict decoder,
 * the encoder and one {@link ExchangeHandler}; HTTP/2 gets the frame codec and, per stream, a child
 * pipeline that turns frames back into HTTP/1-style objects for the same {@link ExchangeHandler}.
 */
public final class HttpPipelines {
    public static final String DECODER = "http.decoder";
    public static final String ENCODER = "http.encoder";
    public static final String CHUNKED = "http.chunked-writer";
    public static final String EXCHANGE = "http.exchange";
    public static final String H2_CODEC = "http.h2-codec";
    public static final String H2_MULTIPLEX = "http.h2-multiplex";
    public static final String H2_DRAIN = "http.h2-drain";

    private HttpPipelines() {
    }

    /** HTTP/1.1 handlers, placed right after {@code after}. */
    public static void http1(ChannelPipeline p, String after, HttpService service, ConnectionContext connection) {
        p.addAfter(after, DECODER, new StrictRequestDecoder(service.limits()));
        p.addAfter(DECODER, ENCODER, new HttpResponseEncoder());
        p.addAfter(ENCODER, CHUNKED, new ChunkedWriteHandler());
        p.addAfter(CHUNKED, EXCHANGE, new ExchangeHandler(service, connection, false,
                connection.tlsSession().orElse(null)));
    }

    /** HTTP/2 handlers, placed right after {@code after}; the connection preface is read by the codec. */
    public static void http2(ChannelPipeline p, String after, HttpService service, ConnectionContext connection) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(service.limits().maxConcurrentStreams())
                .maxHeaderListSize(service.limits().maxHeaderSize());
        SSLSession tls = connection.tlsSession().orElse(null);
        p.addAfter(after, H2_DRAIN, new GoAwayOnDrain());
        p.addAfter(H2_DRAIN, H2_CODEC, Http2FrameCodecBuilder.forServer().initialSettings(settings)
                .validateHeaders(true)
                // Netty's flood defences, pinned here so a change of defaults cannot silently drop them:
                // rapid reset (CVE-2023-44487), CONTINUATION floods, SETTINGS/PING floods whose answers
                // queue unread, and streams of empty DATA frames
                .decoderEnforceMaxRstFramesPerWindow(200, 30)
                .encoderEnforceMaxRstFramesPerWindow(200, 30)
                .decoderEnforceMaxSmallContinuationFrames(16)
                .encoderEnforceMaxQueuedControlFrames(10_000)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(2)
                // closing sends GOAWAY and waits for open streams; the server's shutdown deadline bounds the wait
                .gracefulShutdownTimeoutMillis(TimeUnit.MINUTES.toMillis(10))
                .build());
        p.addAfter(H2_CODEC, H2_MULTIPLEX, new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true, true));
                stream.pipeline().addLast(new ChunkedWriteHandler());
                stream.pipeline().addLast(new ExchangeHandler(service, connection, true, tls));
            }
        }));
    }

    /** On a graceful stop, closing the HTTP/2 connection makes the codec send GOAWAY and wait for open streams. */
    private static final class GoAwayOnDrain extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == Drain.EVENT) {
                ctx.channel().close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }
    }
}
