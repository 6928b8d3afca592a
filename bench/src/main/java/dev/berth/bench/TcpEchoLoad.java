package dev.berth.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load client for TCP echo servers. {@code --mode rr}: each connection sends {@code --size} bytes
 * and waits for all of them back before sending again (round trips per second, p50 and p99).
 * {@code --mode bulk}: each connection streams 64 KiB chunks as fast as the server echoes them
 * (MiB per second received). Each measurement uses fresh connections; {@link Rounds} runs the
 * warm-up and the rounds over {@code --targets name=port,...}.
 */
public final class TcpEchoLoad {
    private TcpEchoLoad() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String host = args.string("host", "127.0.0.1");
        boolean bulk = args.string("mode", "rr").equals("bulk");
        int connections = args.integer("connections", bulk ? 4 : 16);
        int size = args.integer("size", bulk ? 65536 : 64);
        ByteBuf chunk = Unpooled.unreleasableBuffer(Unpooled.directBuffer(size).writeZero(size));
        EventLoopGroup group = Engine.group(1, "load");
        try {
            Rounds.run(args, (port, duration) -> once(group, host, port, bulk, connections, chunk, size, duration));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** One measurement on fresh connections: {MiB/s, NaN} for bulk, {round trips/s, p99 ms} otherwise. */
    private static double[] once(EventLoopGroup group, String host, int port, boolean bulk, int connections,
                                 ByteBuf chunk, int size, Duration duration) throws Exception {
        LongAdder received = new LongAdder();
        LongAdder roundTrips = new LongAdder();
        Latencies latencies = new Latencies(4_000_000);
        Bootstrap b = new Bootstrap().group(group).channel(Engine.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 512 * 1024))
                .handler(bulk ? new Streamer(chunk, received) : new RoundTripper(chunk, size, roundTrips, latencies));
        List<Channel> channels = new ArrayList<>();
        try {
            group.next().submit(() -> latencies.recording(true)).sync();
            long t0 = System.nanoTime();
            for (int i = 0; i < connections; i++) {
                channels.add(b.connect(host, port).sync().channel());
            }
            Thread.sleep(duration.toMillis());
            long bytes = received.sum();
            long trips = roundTrips.sum();
            double secs = (System.nanoTime() - t0) / 1e9;
            group.next().submit(() -> latencies.recording(false)).sync();
            return bulk ? new double[] {bytes / secs / (1024 * 1024), Double.NaN}
                    : new double[] {trips / secs, latencies.percentileMicros(99) / 1000.0};
        } finally {
            for (Channel c : channels) {
                c.close().sync();
            }
        }
    }

    /** Keeps a connection's send buffer full and counts what comes back. */
    @io.netty.channel.ChannelHandler.Sharable
    static final class Streamer extends ChannelInboundHandlerAdapter {
        private final ByteBuf chunk;
        private final LongAdder received;

        Streamer(ByteBuf chunk, LongAdder received) {
            this.chunk = chunk;
            this.received = received;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            fill(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            fill(ctx);
        }

        private void fill(ChannelHandlerContext ctx) {
            while (ctx.channel().isActive() && ctx.channel().isWritable()) {
                ctx.write(chunk.duplicate());
            }
            ctx.flush();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received.add(((ByteBuf) msg).readableBytes());
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** One message in flight per connection: send, wait for every byte of it back, send again. */
    @io.netty.channel.ChannelHandler.Sharable
    static final class RoundTripper extends ChannelInboundHandlerAdapter {
        private final ByteBuf message;
        private final int size;
        private final LongAdder roundTrips;
        private final Latencies latencies;
        private final io.netty.util.AttributeKey<long[]> state = io.netty.util.AttributeKey.valueOf("rt");

        RoundTripper(ByteBuf message, int size, LongAdder roundTrips, Latencies latencies) {
            this.message = message;
            this.size = size;
            this.roundTrips = roundTrips;
            this.latencies = latencies;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            // state: [bytes still expected, send time]
            ctx.channel().attr(state).set(new long[] {size, 0});
            send(ctx);
        }

        private void send(ChannelHandlerContext ctx) {
            long[] s = ctx.channel().attr(state).get();
            s[0] = size;
            s[1] = System.nanoTime();
            ctx.writeAndFlush(message.duplicate());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            long[] s = ctx.channel().attr(state).get();
            s[0] -= ((ByteBuf) msg).readableBytes();
            ReferenceCountUtil.release(msg);
            if (s[0] <= 0) {
                latencies.record(System.nanoTime() - s[1]);
                roundTrips.increment();
                send(ctx);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
