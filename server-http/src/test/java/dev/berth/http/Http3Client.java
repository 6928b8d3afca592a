package dev.berth.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;

/** Netty's own HTTP/3 client on one QUIC connection, trusting the test certificate, for tests of the h3 listener. */
final class Http3Client implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel udp;
    private final QuicChannel quic;
    private final String authority;
    /** What the server's control stream and the connection said: null with the first constructor. */
    private final ControlRecorder recorded;

    /** One HTTP/3 answer: status, headers and the body's bytes. */
    record Answer(int status, Http3Headers headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    Http3Client(int port, TrustManagerFactory trust) throws Exception {
        this(port, QuicSslContextBuilder.forClient().trustManager(trust)
                .applicationProtocols(Http3.supportedApplicationProtocols()).build());
    }

    /** A client with its own TLS context (e.g. one that presents a client certificate); fails if QUIC does not connect. */
    Http3Client(int port, QuicSslContext tls) throws Exception {
        // the name the test certificate is for: Netty's client checks it (from the address it would be 127.0.0.1)
        ChannelHandler codec = Http3.newQuicClientCodecBuilder()
                .sslEngineProvider(q -> tls.newEngine(q.alloc(), "localhost", port))
                .maxIdleTimeout(30, TimeUnit.SECONDS)
                .initialMaxData(64L * 1024 * 1024)
                .initialMaxStreamDataBidirectionalLocal(4L * 1024 * 1024)
                .build();
        udp = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        quic = QuicChannel.newBootstrap(udp).handler(new Http3ClientConnectionHandler())
                .remoteAddress(new InetSocketAddress("127.0.0.1", port)).connect().get(10, TimeUnit.SECONDS);
        authority = "localhost:" + port;
        recorded = null;
    }

    /**
     * A client that also records the server's SETTINGS and GOAWAY frames and how the connection was closed; its
     * connection is made but not waited for, so that a refused one can be looked at ({@link #connected}).
     */
    Http3Client(int port, TrustManagerFactory trust, boolean record) throws Exception {
        QuicSslContext tls = QuicSslContextBuilder.forClient().trustManager(trust)
                .applicationProtocols(Http3.supportedApplicationProtocols()).build();
        ChannelHandler codec = Http3.newQuicClientCodecBuilder()
                .sslEngineProvider(q -> tls.newEngine(q.alloc(), "localhost", port))
                .maxIdleTimeout(30, TimeUnit.SECONDS)
                .initialMaxData(64L * 1024 * 1024)
                .initialMaxStreamDataBidirectionalLocal(4L * 1024 * 1024)
                .build();
        udp = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        recorded = new ControlRecorder();
        io.netty.util.concurrent.Future<QuicChannel> connecting = QuicChannel.newBootstrap(udp)
                .handler(new io.netty.channel.ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        ch.pipeline().addLast(new Http3ClientConnectionHandler(recorded, null, null, null, true));
                        ch.pipeline().addLast(recorded.closeEvents());
                    }
                })
                .remoteAddress(new InetSocketAddress("127.0.0.1", port)).connect().await();
        quic = connecting.isSuccess() ? connecting.getNow() : null;
        recorded.connectFailure = connecting.cause();
        authority = "localhost:" + port;
    }

    /** Whether the QUIC handshake completed (the recording constructor does not fail when it did not). */
    boolean connected() {
        return quic != null;
    }

    /** The client's QUIC connection: the server's transport parameters, the close. */
    QuicChannel quic() {
        return quic;
    }

    /** The server's SETTINGS, once they arrived (recording client only). */
    CompletableFuture<io.netty.handler.codec.http3.Http3SettingsFrame> settings() {
        return recorded.settings;
    }

    /** The server's GOAWAY, once it arrived (recording client only). */
    CompletableFuture<io.netty.handler.codec.http3.Http3GoAwayFrame> goAway() {
        return recorded.goAway;
    }

    /** How the server closed the connection: its CONNECTION_CLOSE, once it came (recording client only). */
    CompletableFuture<io.netty.handler.codec.quic.QuicConnectionCloseEvent> closed() {
        return recorded.closed;
    }

    /** Records control-stream frames and the connection's close event for the recording client. */
    private static final class ControlRecorder extends io.netty.channel.ChannelInboundHandlerAdapter {
        final CompletableFuture<io.netty.handler.codec.http3.Http3SettingsFrame> settings = new CompletableFuture<>();
        final CompletableFuture<io.netty.handler.codec.http3.Http3GoAwayFrame> goAway = new CompletableFuture<>();
        final CompletableFuture<io.netty.handler.codec.quic.QuicConnectionCloseEvent> closed = new CompletableFuture<>();
        volatile Throwable connectFailure;

        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.handler.codec.http3.Http3SettingsFrame) {
                settings.complete((io.netty.handler.codec.http3.Http3SettingsFrame) msg);
            } else if (msg instanceof io.netty.handler.codec.http3.Http3GoAwayFrame) {
                goAway.complete((io.netty.handler.codec.http3.Http3GoAwayFrame) msg);
            }
            io.netty.util.ReferenceCountUtil.release(msg);
        }

        ChannelHandler closeEvents() {
            return new io.netty.channel.ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                    if (evt instanceof io.netty.handler.codec.quic.QuicConnectionCloseEvent) {
                        closed.complete((io.netty.handler.codec.quic.QuicConnectionCloseEvent) evt);
                    }
                    super.userEventTriggered(ctx, evt);
                }
            };
        }
    }

    /**
     * Sends a request's head with {@code extraHeader} (name and value) and, when {@code body} is not null, the body
     * without ending the stream when {@code finish} is false: a client that stops half way through.
     */
    CompletableFuture<Answer> send(String method, String path, String[] extraHeader, byte[] body, long contentLength,
                                   boolean finish) throws Exception {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        QuicStreamChannel stream = Http3.newRequestStream(quic, answerInto(answer)).get(10, TimeUnit.SECONDS);
        Http3HeadersFrame head = new DefaultHttp3HeadersFrame();
        head.headers().method(method).path(path).authority(authority).scheme("https");
        if (extraHeader != null) {
            head.headers().add(extraHeader[0], extraHeader[1]);
        }
        if (contentLength >= 0) {
            head.headers().setLong("content-length", contentLength);
        }
        if (body == null) {
            io.netty.channel.ChannelFuture f = stream.writeAndFlush(head);
            if (finish) {
                f.addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            }
        } else {
            stream.write(head);
            io.netty.channel.ChannelFuture f = stream.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(body)));
            if (finish) {
                f.addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            }
        }
        return answer;
    }

    /**
     * Starts a GET on a stream that never reads: the response stays in QUIC's receive buffer, and the stream's flow
     * control window (4 MiB) stops the server. Returns the stream, to close when done.
     */
    QuicStreamChannel getWithoutReading(String path) throws Exception {
        QuicStreamChannel stream = Http3.newRequestStreamBootstrap(quic, answerInto(new CompletableFuture<>()))
                .option(io.netty.channel.ChannelOption.AUTO_READ, false).create().get(10, TimeUnit.SECONDS);
        Http3HeadersFrame head = new DefaultHttp3HeadersFrame();
        head.headers().method("GET").path(path).authority(authority).scheme("https");
        stream.writeAndFlush(head).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        return stream;
    }

    /**
     * A GET of {@code /} written as raw HTTP/3 bytes on a bare QUIC stream, past Netty's HTTP/3 client (which sends
     * nothing after a GOAWAY): a HEADERS frame whose QPACK field section uses the static table only. Completes with
     * the bytes the server sent back once the stream closes, or exceptionally when QUIC reports an error on it.
     */
    CompletableFuture<byte[]> rawGet() throws Exception {
        CompletableFuture<byte[]> back = new CompletableFuture<>();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        QuicStreamChannel stream = quic.createStream(io.netty.handler.codec.quic.QuicStreamType.BIDIRECTIONAL,
                new io.netty.channel.ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf b = (ByteBuf) msg;
                        byte[] bytes = new byte[b.readableBytes()];
                        b.readBytes(bytes);
                        received.write(bytes, 0, bytes.length);
                        b.release();
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        back.completeExceptionally(cause);
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        back.complete(received.toByteArray());
                    }
                }).get(10, TimeUnit.SECONDS);
        byte[] host = "localhost".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream section = new ByteArrayOutputStream();
        // required insert count 0, base 0; :method GET (static 17), :scheme https (23), :path / (1)
        section.write(new byte[] {0x00, 0x00, (byte) 0xd1, (byte) 0xd7, (byte) 0xc1}, 0, 5);
        // :authority (static 0) as a literal value
        section.write(0x50);
        section.write(host.length);
        section.write(host, 0, host.length);
        ByteBuf frame = Unpooled.buffer();
        frame.writeByte(0x01); // HEADERS
        frame.writeByte(section.size());
        frame.writeBytes(section.toByteArray());
        stream.writeAndFlush(frame).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        return back;
    }

    /** A stream handler that collects one answer into {@code answer}. */
    private static Http3RequestStreamInboundHandler answerInto(CompletableFuture<Answer> answer) {
        return new Http3RequestStreamInboundHandler() {
            private Http3Headers headers;
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

            @Override
            protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
                // a 1xx answer comes first in its own HEADERS frame: keep the final one
                if (headers == null || headers.status().charAt(0) == '1') {
                    headers = frame.headers();
                }
            }

            @Override
            protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
                ByteBuf c = frame.content();
                byte[] b = new byte[c.readableBytes()];
                c.readBytes(b);
                bytes.write(b, 0, b.length);
                frame.release();
            }

            @Override
            protected void channelInputClosed(ChannelHandlerContext ctx) {
                if (headers == null) {
                    answer.completeExceptionally(new AssertionError("the stream ended without a response"));
                } else {
                    answer.complete(new Answer(Integer.parseInt(headers.status().toString()), headers, bytes.toByteArray()));
                }
                ctx.close();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                answer.completeExceptionally(new AssertionError("stream closed unanswered"));
                super.channelInactive(ctx);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                answer.completeExceptionally(cause);
                ctx.close();
            }
        };
    }

    /** Sends a request (a body when {@code body} is not null) on a new stream; the answer once the stream ends. */
    CompletableFuture<Answer> send(String method, String path, byte[] body) throws Exception {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        QuicStreamChannel stream = Http3.newRequestStream(quic, answerInto(answer)).get(10, TimeUnit.SECONDS);
        stream.closeFuture().addListener(f -> answer.completeExceptionally(new AssertionError("stream closed unanswered")));
        Http3HeadersFrame head = new DefaultHttp3HeadersFrame();
        head.headers().method(method).path(path).authority(authority).scheme("https");
        if (body == null) {
            stream.writeAndFlush(head).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        } else {
            head.headers().setLong("content-length", body.length);
            stream.write(head);
            stream.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(body)))
                    .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        }
        return answer;
    }

    /**
     * Sends a request with {@code headers} on a new stream, its body as one DATA frame per chunk (none when
     * {@code chunks} is empty), each flushed on its own, with no content-length: a body streamed as it is made.
     */
    CompletableFuture<Answer> send(String method, String path, Map<String, String> headers, List<byte[]> chunks)
            throws Exception {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        QuicStreamChannel stream = Http3.newRequestStream(quic, answerInto(answer)).get(10, TimeUnit.SECONDS);
        stream.closeFuture().addListener(f -> answer.completeExceptionally(new AssertionError("stream closed unanswered")));
        Http3HeadersFrame head = new DefaultHttp3HeadersFrame();
        head.headers().method(method).path(path).authority(authority).scheme("https");
        headers.forEach((k, v) -> head.headers().set(k.toLowerCase(java.util.Locale.ROOT), v));
        if (chunks.isEmpty()) {
            stream.writeAndFlush(head).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            return answer;
        }
        stream.writeAndFlush(head);
        for (int i = 0; i < chunks.size(); i++) {
            io.netty.channel.ChannelFuture f = stream.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(chunks.get(i))));
            if (i == chunks.size() - 1) {
                f.addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            }
        }
        return answer;
    }

    /** A GET with request headers, waited for. */
    Answer get(String path, Map<String, String> headers) throws Exception {
        return send("GET", path, headers, List.of()).get(60, TimeUnit.SECONDS);
    }

    /** A GET, waited for. */
    Answer get(String path) throws Exception {
        return send("GET", path, null).get(30, TimeUnit.SECONDS);
    }

    /**
     * The leaf certificate a new QUIC connection to {@code port} is served when its ClientHello names
     * {@code serverName} (null: no SNI), trusting whatever it is shown, so a test can say which chain it got.
     */
    static X509Certificate servedCertificate(int port, String serverName) throws Exception {
        QuicSslContext tls = QuicSslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocols(Http3.supportedApplicationProtocols()).build();
        ChannelHandler codec = Http3.newQuicClientCodecBuilder()
                .sslEngineProvider(q -> serverName == null ? tls.newEngine(q.alloc())
                        : tls.newEngine(q.alloc(), serverName, port))
                .maxIdleTimeout(10, TimeUnit.SECONDS)
                .build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel udp = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            QuicChannel quic = QuicChannel.newBootstrap(udp).handler(new Http3ClientConnectionHandler())
                    .remoteAddress(new InetSocketAddress("127.0.0.1", port)).connect().get(10, TimeUnit.SECONDS);
            X509Certificate leaf = (X509Certificate) quic.sslEngine().getSession().getPeerCertificates()[0];
            quic.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            udp.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            return leaf;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** The leaf certificate this connection was served. */
    X509Certificate peerCertificate() throws Exception {
        return (X509Certificate) quic.sslEngine().getSession().getPeerCertificates()[0];
    }

    @Override
    public void close() {
        if (quic != null) {
            quic.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        udp.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
