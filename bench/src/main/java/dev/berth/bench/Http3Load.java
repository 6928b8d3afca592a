package dev.berth.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * HTTP/3 load client: {@code --connections} QUIC connections, each keeping {@code --streams} GET requests in flight
 * (a new request stream as soon as one is answered), for {@code --warmup} seconds not counted and then
 * {@code --duration} seconds counted. Netty's own HTTP/3 client on one event-loop thread, as h2load runs with
 * {@code -t1}. Prints {@code REQUESTS_PER_S SERVER_CPU_US_PER_REQUEST}: the server's CPU time (user + system, from
 * {@code /proc/PID/stat} of {@code --server-pid}) over the counted window, divided by the requests answered in it.
 *
 * <p>Keep {@code --streams} well under the server's stream limit: with Netty 4.2.18's QUIC client, a connection that
 * keeps 90 or more of 100 allowed streams busy stops getting new stream credit after its first 100 streams (seen
 * against Berth, bare Netty and Caddy alike); 32 never waited for credit.
 */
public final class Http3Load {
    private final QuicChannel quic;
    private final String path;
    private final String authority;
    private final int streams;
    private final LongAdder answered;
    private final LongAdder failed;
    private volatile boolean running = true;
    /** Stream openings refused for want of the server's stream credit (QUIC's MAX_STREAMS), tried again 1 ms later. */
    private static final LongAdder waitedForCredit = new LongAdder();

    private Http3Load(QuicChannel quic, String path, String authority, int streams, LongAdder answered, LongAdder failed) {
        this.quic = quic;
        this.path = path;
        this.authority = authority;
        this.streams = streams;
        this.answered = answered;
        this.failed = failed;
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String host = args.string("host", "127.0.0.1");
        int port = Integer.parseInt(args.required("port"));
        int connections = args.integer("connections", 4);
        int streams = args.integer("streams", 100);
        String path = args.string("path", "/");
        long warmupNanos = args.seconds("warmup", 2).toNanos();
        long durationNanos = args.seconds("duration", 3).toNanos();
        int serverPid = args.integer("server-pid", 0);

        QuicSslContext tls = QuicSslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocols(Http3.supportedApplicationProtocols()).build();
        ChannelHandler codec = Http3.newQuicClientCodecBuilder()
                .sslEngineProvider(q -> tls.newEngine(q.alloc(), "localhost", port))
                .maxIdleTimeout(30, TimeUnit.SECONDS)
                .initialMaxData(64L * 1024 * 1024)
                .initialMaxStreamDataBidirectionalLocal(1024 * 1024)
                .build();
        EventLoopGroup group = Engine.group(1, "h3-load");
        LongAdder answered = new LongAdder();
        LongAdder failed = new LongAdder();
        List<Http3Load> loads = new ArrayList<>();
        try {
            Channel udp = new Bootstrap().group(group).channel(Engine.datagramChannel()).handler(codec)
                    .bind(new InetSocketAddress(host, 0)).sync().channel();
            for (int i = 0; i < connections; i++) {
                QuicChannel quic = QuicChannel.newBootstrap(udp).handler(new Http3ClientConnectionHandler())
                        .remoteAddress(new InetSocketAddress(host, port)).connect().get(10, TimeUnit.SECONDS);
                loads.add(new Http3Load(quic, path, "localhost:" + port, streams, answered, failed));
            }
            loads.forEach(l -> l.quic.eventLoop().execute(l::start));
            Thread.sleep(warmupNanos / 1_000_000);
            long cpu0 = cpuTicks(serverPid);
            long n0 = answered.sum();
            long t0 = System.nanoTime();
            Thread.sleep(durationNanos / 1_000_000);
            long n1 = answered.sum();
            long t1 = System.nanoTime();
            long cpu1 = cpuTicks(serverPid);
            loads.forEach(l -> l.running = false);
            long requests = n1 - n0;
            if (waitedForCredit.sum() > 0) {
                System.err.println("h3-load: " + waitedForCredit.sum() + " stream openings waited for the server's stream credit");
            }
            if (failed.sum() > 0) {
                System.err.println("h3-load: " + failed.sum() + " requests failed or were not answered 200");
            }
            if (requests == 0) {
                System.err.println("h3-load: no request was answered in the counted window");
                System.exit(1);
            }
            double perSecond = requests / ((t1 - t0) / 1e9);
            // /proc/PID/stat counts in clock ticks: 100 per second on Linux (USER_HZ)
            String cpu = serverPid == 0 ? "" : String.format(" %.1f", (cpu1 - cpu0) * 10_000.0 / requests);
            System.out.printf("%.1f%s%n", perSecond, cpu);
            for (Http3Load l : loads) {
                l.quic.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
            udp.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** utime + stime of a process, in clock ticks; 0 when no process is named. */
    private static long cpuTicks(int pid) throws IOException {
        if (pid == 0) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // the command name, in parentheses, may hold spaces: the fields are counted after its closing one
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of the whole line
    }

    /** Opens the connection's streams, on its event loop. */
    private void start() {
        for (int i = 0; i < streams; i++) {
            request();
        }
    }

    /** One GET on a new request stream; when the server has no stream credit left yet, tries again shortly. */
    private void request() {
        if (!running) {
            return;
        }
        Http3.newRequestStream(quic, new Answer()).addListener(f -> {
            if (!f.isSuccess()) {
                waitedForCredit.increment();
                quic.eventLoop().schedule(this::request, 1, TimeUnit.MILLISECONDS);
                return;
            }
            QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
            Http3HeadersFrame head = new DefaultHttp3HeadersFrame();
            head.headers().method("GET").path(path).authority(authority).scheme("https");
            stream.writeAndFlush(head).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        });
    }

    /** Counts an answer when its stream ends, then starts the next request. */
    private final class Answer extends Http3RequestStreamInboundHandler {
        private boolean ok;
        private boolean done;

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
            CharSequence status = frame.headers().status();
            if (status != null) {
                ok = "200".contentEquals(status);
            }
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
            frame.release();
        }

        @Override
        protected void channelInputClosed(ChannelHandlerContext ctx) {
            end(ctx, ok);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            end(ctx, false);
        }

        private void end(ChannelHandlerContext ctx, boolean answeredOk) {
            if (done) {
                return;
            }
            done = true;
            (answeredOk ? answered : failed).increment();
            ctx.close();
            request();
        }
    }
}
