package dev.berth.bench;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The bare Netty HTTP/3 baseline, after Netty's own HTTP/3 server example: every request stream is answered
 * {@code 200 Hello, World!} once its request has ended, with the stream and connection windows and the stream limit
 * of Berth's HTTP/3 listener (1 MiB per stream, 4 MiB per connection, 100 streams).
 */
final class Http3Hello {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final long STREAM_WINDOW = 1024 * 1024;

    private Http3Hello() {
    }

    static ChannelHandler codec(String cert, String key) {
        QuicSslContext tls = QuicSslContextBuilder.forServer(new File(key), null, new File(cert))
                .applicationProtocols(Http3.supportedApplicationProtocols()).build();
        return Http3.newQuicServerCodecBuilder()
                .sslContext(tls)
                .maxIdleTimeout(60, TimeUnit.SECONDS)
                .initialMaxData(4 * STREAM_WINDOW)
                .initialMaxStreamDataBidirectionalLocal(STREAM_WINDOW)
                .initialMaxStreamDataBidirectionalRemote(STREAM_WINDOW)
                .initialMaxStreamsBidirectional(100)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        ch.pipeline().addLast(new Http3ServerConnectionHandler(new ChannelInitializer<QuicStreamChannel>() {
                            @Override
                            protected void initChannel(QuicStreamChannel stream) {
                                stream.pipeline().addLast(new Hello());
                            }
                        }));
                    }
                })
                .build();
    }

    /** Answers when the request's stream has ended (its FIN read), as Berth does. */
    private static final class Hello extends Http3RequestStreamInboundHandler {
        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
            ReferenceCountUtil.release(frame);
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
            ReferenceCountUtil.release(frame);
        }

        @Override
        protected void channelInputClosed(ChannelHandlerContext ctx) {
            Http3HeadersFrame head = new DefaultHttp3HeadersFrame();
            head.headers().status("200").add("content-type", "text/plain").addInt("content-length", HELLO.length);
            ctx.write(head);
            // the FIN, then the stream channel's close, as Berth's exchange ends
            ctx.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(HELLO)))
                    .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
