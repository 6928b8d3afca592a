package dev.berth.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Opens {@code --connections} TCP connections (TLS with {@code --tls}) to an echo server, has each
 * echo one byte (so the server has accepted and set it up, and the handshake is done), prints
 * {@code open N}, then holds them idle until {@code --hold} seconds pass or the process is stopped.
 * {@code --source 127.0.1.2} binds the client's side to that loopback address: each source address has
 * its own range of ephemeral ports (about 28,000), so several clients can hold more than that to one server.
 */
public final class IdleConnections {
    private IdleConnections() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String host = args.string("host", "127.0.0.1");
        int port = Integer.parseInt(args.required("port"));
        int n = args.integer("connections", 10_000);
        Duration hold = args.seconds("hold", 60);
        String source = args.string("source", null);
        InetSocketAddress local = source == null ? null : new InetSocketAddress(source, 0);
        CountDownLatch echoed = new CountDownLatch(n);
        Semaphore inFlight = new Semaphore(256);
        ByteBuf one = Unpooled.unreleasableBuffer(Unpooled.directBuffer(1).writeByte('x'));
        EventLoopGroup group = Engine.group(1, "idle");
        OneByteEcho echo = new OneByteEcho(one, inFlight, echoed);
        SslContext tls = Boolean.parseBoolean(args.string("tls", "false")) ? TlsContext.trustingClient() : null;
        Bootstrap b = new Bootstrap().group(group).channel(Engine.socketChannel())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            // The byte is written once the channel is active; SslHandler holds it until the handshake is done.
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(echo);
                    }
                });
        long deadline = System.nanoTime() + hold.toNanos();
        for (int i = 0; i < n; i++) {
            if (!inFlight.tryAcquire(10, TimeUnit.SECONDS)) {
                System.err.println("idle: connection " + i + " got no echo in 10 s");
                System.exit(1);
            }
            ChannelFuture f = local == null ? b.connect(host, port) : b.connect(new InetSocketAddress(host, port), local);
            f.addListener(x -> {
                if (!x.isSuccess()) {
                    System.err.println("idle: connect failed: " + x.cause());
                    System.exit(1);
                }
            });
        }
        if (!echoed.await(30, TimeUnit.SECONDS)) {
            System.err.println("idle: only " + (n - echoed.getCount()) + " of " + n + " connections echoed");
            System.exit(1);
        }
        System.out.println("open " + n);
        System.out.flush();
        // Hold until the hold time ends or the process is stopped. Not until standard input closes:
        // started in the background, its standard input is /dev/null, which would end the hold at
        // once and measure closing connections instead of idle ones.
        long left = deadline - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
        System.exit(0);
    }

    /** Sends one byte when connected and counts the connection as set up when it comes back. */
    @ChannelHandler.Sharable
    static final class OneByteEcho extends ChannelInboundHandlerAdapter {
        private final ByteBuf one;
        private final Semaphore inFlight;
        private final CountDownLatch echoed;

        OneByteEcho(ByteBuf one, Semaphore inFlight, CountDownLatch echoed) {
            this.one = one;
            this.inFlight = inFlight;
            this.echoed = echoed;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(one.duplicate());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            inFlight.release();
            echoed.countDown();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
