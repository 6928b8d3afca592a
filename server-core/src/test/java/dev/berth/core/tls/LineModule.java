package dev.berth.core.tls;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.Transport;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProtocolModule;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A tiny line protocol for the TLS tests: {@code STARTTLS} switches with {@link StartTls}, {@code INFO}
 * answers the connection's {@link TlsInfo}, {@code HISTORY} the lines seen since the last reset,
 * {@code QUIT} closes; any other line is echoed. Every line that reaches the protocol is recorded.
 */
public final class LineModule implements ProtocolModule {
    public static final String FRAMING = "line-framing";

    /** Every line that reached the protocol, across connections, in arrival order. */
    public final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    @Override
    public String name() {
        return "line";
    }

    @Override
    public Set<Transport> transports() {
        return Set.of(Transport.TCP);
    }

    @Override
    public void initPipeline(ChannelPipeline p, ConnectionContext connection) {
        p.addLast(FRAMING, new LineBasedFrameDecoder(1024));
        p.addLast("line-string", new StringDecoder(StandardCharsets.US_ASCII));
        p.addLast("line-encoder", new StringEncoder(StandardCharsets.US_ASCII));
        p.addLast("line-handler", new Handler());
    }

    private final class Handler extends SimpleChannelInboundHandler<String> {
        private final List<String> history = new ArrayList<>();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            received.add(line);
            switch (line) {
                case "STARTTLS":
                    StartTls.begin(ctx, FRAMING, () -> new LineBasedFrameDecoder(1024), "READY\r\n",
                            session -> history.clear());
                    return;
                case "INFO":
                    ctx.writeAndFlush("INFO " + TlsInfo.of(ctx.channel()).map(TlsInfo::toString).orElse("plaintext")
                            + "\r\n");
                    break;
                case "HISTORY":
                    ctx.writeAndFlush("HISTORY " + String.join("|", history) + "\r\n");
                    break;
                case "QUIT":
                    ctx.writeAndFlush("BYE\r\n").addListener(ChannelFutureListener.CLOSE);
                    return;
                default:
                    ctx.writeAndFlush("ECHO " + line + "\r\n");
            }
            history.add(line);
        }
    }

    /** Starts a server with one loopback listener on port 0 speaking this protocol. */
    public Server start(TlsMode mode, TlsConfig tls, Path dataDirectory) {
        return Server.builder()
                .module(this)
                .dataDirectory(dataDirectory)
                .shutdownTimeout(java.time.Duration.ofSeconds(2))
                .listener(ListenerConfig.tcp("line").host("127.0.0.1").port(0).protocol("line")
                        .tlsMode(mode).tls(tls).build())
                .build()
                .start();
    }
}
