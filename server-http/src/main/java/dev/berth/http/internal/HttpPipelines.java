package dev.berth.http.internal;

import dev.berth.core.spi.ConnectionContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;
import io.netty.handler.logging.LogLevel;
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
    public static final String EXCHANGE = "http.exchange";
    public static final String H2_CODEC = "http.h2-codec";
    public static final String H2_MULTIPLEX = "http.h2-multiplex";
    public static final String H2_DRAIN = "http.h2-drain";
    public static final String H2_DRAIN_CUT = "http.h2-drain-cut";
    public static final String H2_ERRORS = "http.h2-errors";

    /**
     * The HTTP/2 receive window of each stream, so of each request body in flight; the codec opens the connection
     * window to about twice this. RFC 9113's 65,535 bytes hold an upload to 64 KiB per round trip (0.9 MB/s at
     * 20 ms, bench/README.md); 1 MiB allows 50 MB/s per stream there while a connection's unread request bytes
     * stay under about 2 MiB, as a body that is not read stops the client at the window.
     */
    static final int STREAM_WINDOW = 1024 * 1024;

    private HttpPipelines() {
    }

    /** HTTP/1.1 handlers, placed right after {@code after}. */
    public static void http1(ChannelPipeline p, String after, HttpService service, ConnectionContext connection) {
        p.addAfter(after, DECODER, new StrictRequestDecoder(service.limits()));
        p.addAfter(DECODER, ENCODER, new ResponseEncoder());
        // the body counter and chunked writer come before EXCHANGE when a response first needs them (ExchangeHandler)
        p.addAfter(ENCODER, EXCHANGE, new ExchangeHandler(service, connection, false,
                connection.tlsSession().orElse(null)));
    }

    /** HTTP/2 handlers, placed right after {@code after}; the connection preface is read by the codec. */
    public static void http2(ChannelPipeline p, String after, HttpService service, ConnectionContext connection) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .initialWindowSize(STREAM_WINDOW)
                .maxConcurrentStreams(service.limits().maxConcurrentStreams())
                .maxHeaderListSize(service.limits().maxHeaderSize());
        SSLSession tls = connection.tlsSession().orElse(null);
        HttpMeters.Listener meters = service.meters().listener(connection.listener().name());
        Http2Drain drain = new Http2Drain();
        p.addAfter(after, H2_DRAIN, drain);
        ClosedStreamGuard closedStreams = new ClosedStreamGuard(
                // PING and SETTINGS floods from a client that reads the answers, and WINDOW_UPDATE floods
                new ControlFrameFloodGuard(new FrameCounter(meters), 200, 30, 10_000));
        Http2FrameCodec codec = new CodecBuilder().initialSettings(settings)
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
                .frameLogger(closedStreams)
                .build();
        closedStreams.connection(codec.connection());
        p.addAfter(H2_DRAIN, H2_CODEC, codec);
        p.addAfter(H2_CODEC, H2_MULTIPLEX, new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                meters.streamOpened();
                stream.closeFuture().addListener(f -> meters.streamClosed());
                // the body timeout comes with a request body (Http2RequestCodec), the body counter and chunked
                // writer with a response that needs them (ExchangeHandler)
                stream.pipeline().addLast(new Http2RequestCodec(service.limits().bodyTimeout()),
                        new ExchangeHandler(service, connection, true, tls));
            }
        }));
        p.addAfter(H2_MULTIPLEX, H2_DRAIN_CUT, drain.cut());
        p.addAfter(H2_DRAIN_CUT, H2_ERRORS, new CodecHandlesHttp2Errors());
    }

    /**
     * Netty's server codec builder with one change: the remote flow controller shares the connection window among
     * the streams that have DATA to send with {@link UniformStreamByteDistributor}, not the default weighted-fair
     * one. RFC 9113 section 5.3 deprecates the RFC 7540 priority scheme that the weighted-fair distributor
     * implements (no current browser relies on it), and keeping its dependency tree up to date cost 4.6% of the
     * event loop's time serving many small files (bench/README.md); PRIORITY frames are still read and checked,
     * and then ignored, as the RFC allows.
     */
    private static final class CodecBuilder extends Http2FrameCodecBuilder {
        CodecBuilder() {
            // a server's connection; the builder's own server flag only chooses the connection it would make
            DefaultHttp2Connection connection = new DefaultHttp2Connection(true, maxReservedStreams());
            connection.remote().flowController(new DefaultHttp2RemoteFlowController(connection,
                    new UniformStreamByteDistributor(connection)));
            connection(connection);
        }
    }

    /**
     * Counts RST_STREAM and GOAWAY frames as the codec reads and writes them, by direction. Netty's frame
     * logger is the one hook that sees both directions of both frames on the wire; every other frame is
     * passed over by {@link #isEnabled()}, which each logging method checks first.
     */
    private static final class FrameCounter extends Http2FrameLogger {
        private final HttpMeters.Listener meters;

        FrameCounter(HttpMeters.Listener meters) {
            super(LogLevel.TRACE);
            this.meters = meters;
        }

        @Override
        public boolean isEnabled() {
            return false;
        }

        @Override
        public void logRstStream(Direction direction, ChannelHandlerContext ctx, int streamId, long errorCode) {
            meters.reset(direction == Direction.OUTBOUND);
        }

        @Override
        public void logGoAway(Direction direction, ChannelHandlerContext ctx, int lastStreamId, long errorCode,
                              ByteBuf debugData) {
            meters.goAway(direction == Direction.OUTBOUND);
        }
    }

    /**
     * Stops an HTTP/2 error the codec passed on from reaching core's tail handler, whose plain close would send
     * GOAWAY NO_ERROR before the codec's GOAWAY with the error's own code (FLOW_CONTROL_ERROR, PROTOCOL_ERROR...).
     * The codec closes the connection itself once that GOAWAY is written; any other exception goes on.
     */
    private static final class CodecHandlesHttp2Errors extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
                super.exceptionCaught(ctx, cause);
            }
        }
    }
}
