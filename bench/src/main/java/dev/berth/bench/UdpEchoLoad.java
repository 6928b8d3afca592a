package dev.berth.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load client for UDP echo servers: keeps {@code --window} datagrams of {@code --size} bytes in
 * flight, sending one more for each that comes back, and refills the window when a tick passes
 * with nothing received (lost datagrams). Measures echoed datagrams per second; {@link Rounds} runs
 * the warm-up and the rounds over {@code --targets name=port,...}.
 */
public final class UdpEchoLoad {
    private UdpEchoLoad() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String host = args.string("host", "127.0.0.1");
        int size = args.integer("size", 64);
        int window = args.integer("window", 32);
        ByteBuf payload = Unpooled.unreleasableBuffer(Unpooled.directBuffer(size).writeZero(size));
        EventLoopGroup group = Engine.group(1, "udp-load");
        try {
            Rounds.run(args, (port, duration) -> new double[] {
                once(group, new InetSocketAddress(host, port), payload, window, duration), Double.NaN});
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** Echoed datagrams per second over one measurement, from a fresh socket. */
    private static double once(EventLoopGroup group, InetSocketAddress server, ByteBuf payload, int window,
                               Duration duration) throws Exception {
        LongAdder received = new LongAdder();
        Channel ch = new Bootstrap().group(group).channel(Engine.datagramChannel())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        received.increment();
                        ctx.write(new DatagramPacket(payload.duplicate(), server));
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        ctx.flush();
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        long[] lastSeen = {-1};
        Runnable refill = () -> {
            long now = received.sum();
            if (now == lastSeen[0]) {
                for (int i = 0; i < window; i++) {
                    ch.write(new DatagramPacket(payload.duplicate(), server));
                }
                ch.flush();
            }
            lastSeen[0] = now;
        };
        ScheduledFuture<?> ticks = ch.eventLoop().scheduleAtFixedRate(refill, 0, 20, TimeUnit.MILLISECONDS);
        long t0 = System.nanoTime();
        Thread.sleep(duration.toMillis());
        long r = received.sum();
        double secs = (System.nanoTime() - t0) / 1e9;
        ticks.cancel(false);
        ch.close().sync();
        return r / secs;
    }
}
