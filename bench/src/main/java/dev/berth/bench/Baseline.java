package dev.berth.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * Bare Netty servers, the baselines Berth is measured against: {@code http}, {@code https}, {@code h3},
 * {@code tcp-echo} and {@code udp-echo}, each the smallest correct Netty program for the job, on
 * the same event-loop layout as Berth ({@code --threads} I/O threads, which also accept).
 *
 * <p>Usage: {@code Baseline KIND [--host 127.0.0.1] [--port 0] [--threads 1] [--cert F --key F]
 * [--ready-file F]}.
 */
public final class Baseline {
    private Baseline() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        if (args.words().size() != 1) {
            System.err.println("usage: Baseline http|https|h3|tcp-echo|tls-echo|udp-echo [--port N] [--threads N] [--ready-file F]");
            System.exit(2);
        }
        String kind = args.words().get(0);
        String host = args.string("host", "127.0.0.1");
        int port = args.integer("port", 0);
        int threads = args.integer("threads", 1);
        EventLoopGroup workers = Engine.group(threads, "baseline-io");
        Channel channel;
        if (kind.equals("udp-echo")) {
            channel = new Bootstrap().group(workers).channel(Engine.datagramChannel())
                    .handler(new UdpEchoHandler())
                    .bind(host, port).sync().channel();
        } else if (kind.equals("h3")) {
            channel = new Bootstrap().group(workers).channel(Engine.datagramChannel())
                    .handler(Http3Hello.codec(args.required("cert"), args.required("key")))
                    .bind(host, port).sync().channel();
        } else {
            ChannelHandler child = childInitializer(kind, args);
            // accepting on the event loop, as Berth does: the same layout, so that the ratio is Berth's own cost
            channel = new ServerBootstrap().group(workers).channel(Engine.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(child)
                    .bind(host, port).sync().channel();
        }
        int bound = ((InetSocketAddress) channel.localAddress()).getPort();
        String ready = args.string("ready-file", null);
        if (ready != null) {
            ReadyFile.write(Path.of(ready), kind, kind.equals("udp-echo") || kind.equals("h3") ? "udp" : "tcp", host, bound);
        }
        channel.closeFuture().sync();
    }

    private static ChannelHandler childInitializer(String kind, Args args) throws Exception {
        switch (kind) {
            case "tcp-echo":
            case "tls-echo": {
                SslContext tls = kind.equals("tls-echo") ? TlsContext.server(args.required("cert"), args.required("key")) : null;
                EchoHandler echo = new EchoHandler();
                return new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(echo);
                    }
                };
            }
            case "http":
            case "https": {
                SslContext tls = kind.equals("https") ? TlsContext.server(args.required("cert"), args.required("key")) : null;
                HelloHttpHandler hello = new HelloHttpHandler();
                return new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(), hello);
                    }
                };
            }
            default:
                throw new IllegalArgumentException("unknown baseline " + kind);
        }
    }
}
