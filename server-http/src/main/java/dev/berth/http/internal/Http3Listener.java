package dev.berth.http.internal;

import dev.berth.core.BerthException;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Transport;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ServerContext;
import dev.berth.core.tls.TlsMode;
import io.micrometer.core.instrument.Gauge;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http3.DefaultHttp3SettingsFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3Settings;
import io.netty.handler.codec.http3.Http3SettingsFrame;
import io.netty.handler.codec.http3.Http3FrameToHttpObjectCodec;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/3 on a UDP listener: Netty's QUIC server codec on the bound datagram channel, with a TLS 1.3 context
 * (ALPN {@code h3}) that follows the HTTPS listener's certificates ({@link QuicTls}), and on each request stream the
 * HTTP/3-to-HTTP/1 conversion and the same {@link ExchangeHandler} HTTP/1.1 and HTTP/2 requests get.
 */
public final class Http3Listener {
    /** The QUIC codec's name on the UDP channel's pipeline. */
    public static final String QUIC_CODEC = "http.quic-codec";
    private static final Logger log = LoggerFactory.getLogger(Http3Listener.class);
    /** Idle time before a QUIC connection is closed when the keep-alive timeout is 0 (never for HTTP/1.1). */
    private static final Duration IDLE_WHEN_UNSET = Duration.ofMinutes(5);
    /** The smallest UDP payload every QUIC endpoint must accept. */
    static final int MIN_UDP_PAYLOAD = 1200;

    private final HttpService service;
    /**
     * QUIC connections holding state in the codec, from their first Initial (with a valid Retry token) to their
     * close, handshake or not: the gauge {@code berth.quic.connections}. Admitted ones also count in core's meters.
     */
    private final AtomicInteger quicConnections = new AtomicInteger();
    /** Null when the native QUIC library does not load here: the listener's datagrams are then dropped. */
    private final QuicSslContext tls;

    private Http3Listener(HttpService service, QuicSslContext tls) {
        this.service = service;
        this.tls = tls;
    }

    /**
     * The HTTP/3 side of a server, for its UDP listener {@code h3}: TLS material from {@code httpsListener}, as that
     * listener serves it at each new connection. Fails with a {@code BerthException} naming the listener when the
     * server has no such TLS listener, when the listener asks for SO_REUSEPORT or when its datagram size is below
     * QUIC's 1200 bytes; when the native QUIC library does not load, logs one line and serves nothing on {@code h3},
     * leaving TCP as it is.
     */
    public static Http3Listener start(HttpService service, ServerContext server, ListenerConfig h3, String httpsListener) {
        if (h3.reusePort()) {
            // the kernel spreads datagrams over the sockets by address, not by QUIC connection id: after a NAT
            // rebinding, or with a second process, one connection's packets would reach a codec that does not know it
            throw new BerthException("listener " + h3.name() + ": SO_REUSEPORT (--" + h3.name() + "-reuse-port) is refused"
                    + " for HTTP/3: several processes would split one QUIC connection's packets between them");
        }
        if (!Quic.isAvailable()) {
            log.warn("listener {}: HTTP/3 is off: the native QUIC library does not load on this platform ({});"
                    + " HTTP/1.1 and HTTP/2 are served as usual", h3.name(), Quic.unavailabilityCause().toString());
            return new Http3Listener(service, null);
        }
        if (h3.limits().maxDatagramSize() < MIN_UDP_PAYLOAD) {
            throw new BerthException("listener " + h3.name() + ": the largest datagram (--" + h3.name()
                    + "-max-datagram-size " + h3.limits().maxDatagramSize() + ") is below the " + MIN_UDP_PAYLOAD
                    + " bytes QUIC needs (RFC 9000 section 14)");
        }
        Optional<ListenerConfig> https = server.listeners().stream()
                .filter(l -> l.name().equals(httpsListener) && l.transport() == Transport.TCP
                        && l.tlsMode() != TlsMode.NONE)
                .findFirst();
        if (https.isEmpty()) {
            throw new BerthException("listener " + h3.name() + ": HTTP/3 serves the certificate of the TLS listener '"
                    + httpsListener + "', and this server has no such listener");
        }
        // The TCP listener loads and checks the material when it is bound; QUIC follows it from there, reloads included.
        QuicSslContext context = QuicTls.following(server, httpsListener);
        return new Http3Listener(service, context);
    }

    /**
     * Installs the QUIC codec on the listener's bound UDP channel: Retry tokens for address validation, no active
     * migration, the listener's datagram size as QUIC's max_udp_payload_size, and on each connection the admission
     * (connection limits), Netty's HTTP/3 handler with Berth's SETTINGS and the drain.
     */
    public void initPipeline(ChannelPipeline p, ConnectionContext listener) {
        if (tls == null) {
            p.addLast(QUIC_CODEC, new DropDatagrams());
            return;
        }
        Gauge.builder("berth.quic.connections", quicConnections, AtomicInteger::get)
                .tag("listener", listener.listener().name())
                .description("QUIC connections with state on the server, handshaking or established")
                .strongReference(true).register(listener.server().meterRegistry());
        Duration keepAlive = service.limits().keepAliveTimeout();
        Duration idle = keepAlive.isZero() ? IDLE_WHEN_UNSET : keepAlive;
        ChannelHandler codec = Http3.newQuicServerCodecBuilder()
                .sslContext(tls)
                .maxIdleTimeout(idle.toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(4L * HttpPipelines.STREAM_WINDOW)
                .initialMaxStreamDataBidirectionalLocal(HttpPipelines.STREAM_WINDOW)
                .initialMaxStreamDataBidirectionalRemote(HttpPipelines.STREAM_WINDOW)
                .initialMaxStreamsBidirectional(service.limits().maxConcurrentStreams())
                // what core's filter lets through is what the client may send (RFC 9000 section 18.2)
                .maxRecvUdpPayloadSize(listener.listener().limits().maxDatagramSize())
                // address validation: an Initial without a valid token gets a Retry and no connection state
                .tokenHandler(new QuicRetryTokens())
                // a connection stays on the address it was validated on (disable_active_migration)
                .activeMigration(false)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        quicConnections.incrementAndGet();
                        ch.closeFuture().addListener(f -> quicConnections.decrementAndGet());
                        // taken now: a closed QUIC channel no longer knows its peer, and the access log asks after
                        ConnectionContext connection = ConnectionContext.accepted(listener, ch,
                                (InetSocketAddress) ch.remoteSocketAddress(), (InetSocketAddress) ch.localSocketAddress(),
                                () -> Optional.ofNullable(ch.sslEngine()).map(SSLEngine::getSession));
                        ch.attr(ConnectionContext.KEY).set(connection);
                        Http3Drain drain = new Http3Drain();
                        ch.pipeline().addLast(new QuicAdmission());
                        ch.pipeline().addLast(new Http3ServerConnectionHandler(requestStreams(connection, ch, drain),
                                null, null, settings(), true));
                        ch.pipeline().addLast(drain);
                        InFlight.add(ch, drain::inFlight);
                    }
                })
                .build();
        p.addLast(QUIC_CODEC, codec);
    }

    /**
     * Berth's HTTP/3 SETTINGS: the largest field section it takes ({@code --max-header-size}; Netty closes a
     * connection that sends a larger one with H3_EXCESSIVE_LOAD), and a QPACK dynamic table of capacity 0 with 0
     * blocked streams, so that a client cannot make the server keep QPACK state at all (RFC 9204 section 5).
     */
    Http3SettingsFrame settings() {
        return new DefaultHttp3SettingsFrame(Http3Settings.defaultSettings()
                .maxFieldSectionSize(service.limits().maxHeaderSize())
                .qpackMaxTableCapacity(0)
                .qpackBlockedStreams(0));
    }

    private ChannelInitializer<QuicStreamChannel> requestStreams(ConnectionContext connection, QuicChannel ch,
                                                                 Http3Drain drain) {
        return new ChannelInitializer<QuicStreamChannel>() {
            @Override
            protected void initChannel(QuicStreamChannel stream) {
                if (!drain.streamOpened(stream)) {
                    return;
                }
                SSLEngine engine = ch.sslEngine();
                stream.pipeline().addLast(new Http3ErrorLog());
                stream.pipeline().addLast(new Http3FrameToHttpObjectCodec(true, true));
                stream.pipeline().addLast(new ReadCompleteAtFin());
                stream.pipeline().addLast(new Http2BodyTimeout(service.limits().bodyTimeout()));
                stream.pipeline().addLast(ExchangeHandler.http3(service, connection,
                        engine == null ? null : engine.getSession()));
            }
        };
    }

    /**
     * Ends a read batch when the request stream's FIN arrives. The codec turns the FIN into the request's last
     * content after the stream's last read-complete, so without this the {@link ExchangeHandler} would hold an
     * answer written in that batch unflushed, and a chunked body (a file) would never start.
     */
    private static final class ReadCompleteAtFin extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            ctx.fireUserEventTriggered(evt);
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                ctx.fireChannelReadComplete();
            }
        }
    }

    /** Releases what reaches a listener whose QUIC library did not load, so nothing piles up at the tail. */
    private static final class DropDatagrams extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
