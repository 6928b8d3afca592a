package dev.berth.core.internal.admin;

import dev.berth.core.PipelineNames;
import dev.berth.core.internal.IdleTimeoutHandler;
import dev.berth.core.internal.tls.ListenerTls;
import dev.berth.core.internal.tls.TlsHandlers;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.codec.http.HttpServerCodec;
import java.time.Duration;
import java.util.Optional;

/**
 * The admin listener's pipeline: TLS when configured, Netty's HTTP/1.1 codec with small limits (a
 * request line of 4 KiB, headers of 8 KiB, a body of 4 KiB, which no admin request needs), an idle
 * timeout, then {@link AdminHandler}. Its connections are kept in their own group, apart from the
 * server's, so that a graceful stop does not wait for a scraper's keep-alive connection.
 */
public final class AdminInitializer extends ChannelInitializer<Channel> {
    static final int MAX_LINE = 4096;
    static final int MAX_HEADERS = 8192;
    static final int MAX_BODY = 4096;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final Optional<ListenerTls> tls;
    private final AdminHandler handler;
    private final ChannelGroup connections;

    public AdminInitializer(Optional<ListenerTls> tls, AdminHandler handler, ChannelGroup connections) {
        this.tls = tls;
        this.handler = handler;
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        ChannelPipeline p = ch.pipeline();
        tls.ifPresent(t -> TlsHandlers.installAtAccept(p, t));
        p.addLast(PipelineNames.IDLE_TIMEOUT, new IdleTimeoutHandler(IDLE_TIMEOUT));
        p.addLast("admin-http", new HttpServerCodec(MAX_LINE, MAX_HEADERS, MAX_HEADERS));
        p.addLast("admin-aggregator", new StrictAggregator());
        p.addLast("admin", handler);
    }

    /**
     * Netty's aggregator keeps a keep-alive connection open after a 413 and reads the rest of the body to
     * discard it; no admin request has a body, so this one answers 413 and closes at once.
     */
    private static final class StrictAggregator extends HttpObjectAggregator {
        StrictAggregator() {
            super(MAX_BODY);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.EMPTY_BUFFER);
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ReferenceCountUtil.release(oversized);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
