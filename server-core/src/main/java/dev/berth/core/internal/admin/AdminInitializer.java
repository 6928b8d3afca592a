package dev.berth.core.internal.admin;

import dev.berth.core.PipelineNames;
import dev.berth.core.internal.IdleTimeoutHandler;
import dev.berth.core.internal.tls.ListenerTls;
import dev.berth.core.internal.tls.TlsHandlers;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
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
        p.addLast("admin-aggregator", new HttpObjectAggregator(MAX_BODY));
        p.addLast("admin", handler);
    }
}
