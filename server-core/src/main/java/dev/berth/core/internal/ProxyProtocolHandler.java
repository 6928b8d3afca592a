package dev.berth.core.internal;

import dev.berth.core.Addresses;
import dev.berth.core.PipelineNames;
import dev.berth.core.ProxyProtocol;
import dev.berth.core.ProxyProtocolConfig;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProxyTlv;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a listener with the PROXY protocol on: it decides from the TCP peer whether a
 * header may come, reads it with Netty's HAProxy decoder, records the client address in the
 * {@link ConnectionContext}, and only then lets {@code channelActive} through to later handlers.
 *
 * <p>From an untrusted source the connection is closed in ON mode; in AUTO mode it is served as is,
 * but closed if its first bytes are a PROXY header.
 */
public final class ProxyProtocolHandler extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolHandler.class);
    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2_PREFIX = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** How long a trusted source has to send its header. */
    static final long HEADER_TIMEOUT_MILLIS = 5_000;

    private final ProxyProtocolConfig config;
    private final DefaultConnectionContext connection;
    private final Runnable onUntrusted;
    private boolean guard;
    private ScheduledFuture<?> timeout;

    public ProxyProtocolHandler(ProxyProtocolConfig config, DefaultConnectionContext connection) {
        this(config, connection, () -> { });
    }

    /** A handler that calls {@code onUntrusted} for each connection it closes for coming from an untrusted source. */
    public ProxyProtocolHandler(ProxyProtocolConfig config, DefaultConnectionContext connection, Runnable onUntrusted) {
        this.config = config;
        this.connection = connection;
        this.onUntrusted = onUntrusted;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
        if (!config.trusts(peer.getAddress())) {
            if (config.mode() == ProxyProtocol.ON) {
                log.debug("{}: closed a connection from {}, which is not a trusted PROXY source",
                        connection.listener().name(), Addresses.describe(peer));
                onUntrusted.run();
                ctx.close();
                return;
            }
            guard = true;
            ctx.fireChannelActive();
            return;
        }
        timeout = ctx.executor().schedule(() -> headerTimedOut(ctx), HEADER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void headerTimedOut(ChannelHandlerContext ctx) {
        if (ctx.isRemoved()) {
            // removed once a header began (a removal for any other reason cancels this): the rest of it never came
            log.debug("{}: PROXY header from {} not complete in time; closing", connection.listener().name(),
                    Addresses.describe(ctx.channel().remoteAddress()));
            ctx.channel().close();
            return;
        }
        if (config.mode() == ProxyProtocol.ON) {
            log.debug("{}: no PROXY header from {} in time; closing", connection.listener().name(),
                    Addresses.describe(ctx.channel().remoteAddress()));
            ctx.close();
        } else {
            ctx.fireChannelActive();
            ctx.pipeline().remove(this);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int verdict = detect(in);
        if (verdict == NEED_MORE) {
            return;
        }
        if (guard) {
            if (verdict == HEADER) {
                log.debug("{}: closed a connection from {} that sent a PROXY header but is not trusted",
                        connection.listener().name(), Addresses.describe(ctx.channel().remoteAddress()));
                in.skipBytes(in.readableBytes());
                onUntrusted.run();
                ctx.close();
            } else {
                ctx.pipeline().remove(this);
            }
            return;
        }
        if (verdict == HEADER) {
            // the header's timeout goes on until the whole header is read: the header handler cancels it then
            HeaderHandler header = new HeaderHandler(connection, timeout);
            timeout = null;
            ctx.pipeline().addAfter(ctx.name(), PipelineNames.PROXY_PROTOCOL_DECODER, new ClosingHeaderDecoder());
            ctx.pipeline().addAfter(PipelineNames.PROXY_PROTOCOL_DECODER, PipelineNames.PROXY_PROTOCOL + "-header", header);
            ctx.pipeline().remove(this);
            return;
        }
        cancelTimeout();
        if (config.mode() == ProxyProtocol.ON) {
            log.debug("{}: connection from {} did not start with a PROXY header; closing",
                    connection.listener().name(), Addresses.describe(ctx.channel().remoteAddress()));
            in.skipBytes(in.readableBytes());
            ctx.close();
        } else {
            ctx.fireChannelActive();
            ctx.pipeline().remove(this);
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelTimeout();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private static final int NEED_MORE = 0;
    private static final int HEADER = 1;
    private static final int NO_HEADER = 2;

    /** Compares the bytes so far with both signatures, so a short plaintext greeting is not held. */
    static int detect(ByteBuf in) {
        boolean v1 = matchesPrefix(in, V1_PREFIX);
        boolean v2 = matchesPrefix(in, V2_PREFIX);
        if (!v1 && !v2) {
            return NO_HEADER;
        }
        if ((v1 && in.readableBytes() >= V1_PREFIX.length) || (v2 && in.readableBytes() >= V2_PREFIX.length)) {
            return HEADER;
        }
        return NEED_MORE;
    }

    private static boolean matchesPrefix(ByteBuf in, byte[] prefix) {
        int n = Math.min(in.readableBytes(), prefix.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Netty's decoder, except that nothing is decoded once the connection is closed. Two cases, both found by
     * {@code ProxyProtocolHandlerFuzzTest}:
     * <ul>
     *   <li>a header cut short by the close: the last decode read a v2 header's length as if all of it had
     *       come (a negative slice length) and threw from the close;</li>
     *   <li>a bad header that closed the connection, followed in the same read by bytes that look like a
     *       header: the close's last decode read them as a second header, which then reached the protocol
     *       as a message that is not bytes.</li>
     * </ul>
     * A closed connection's bytes are nothing to decode: they are dropped with it.
     */
    static final class ClosingHeaderDecoder extends HAProxyMessageDecoder {
        @Override
        protected void callDecode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (!ctx.channel().isOpen()) {
                in.skipBytes(in.readableBytes());
                return;
            }
            super.callDecode(ctx, in, out);
        }

        @Override
        protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            if (!ctx.channel().isOpen()) {
                in.skipBytes(in.readableBytes());
                return;
            }
            try {
                super.decodeLast(ctx, in, out);
            } catch (RuntimeException e) {
                in.skipBytes(in.readableBytes());
            }
        }
    }

    /** Takes the decoded header, records it, and lets the connection become active for the protocol. */
    static final class HeaderHandler extends ChannelInboundHandlerAdapter {
        private final DefaultConnectionContext connection;
        /** The timeout for the whole header, cancelled once it is read; null when there is none. */
        private final ScheduledFuture<?> timeout;

        HeaderHandler(DefaultConnectionContext connection, ScheduledFuture<?> timeout) {
            this.connection = connection;
            this.timeout = timeout;
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (timeout != null) {
                timeout.cancel(false);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof HAProxyMessage)) {
                ctx.fireChannelRead(msg);
                return;
            }
            if (timeout != null) {
                timeout.cancel(false);
            }
            HAProxyMessage header = (HAProxyMessage) msg;
            try {
                if (header.command() == HAProxyCommand.PROXY
                        && header.proxiedProtocol() != HAProxyProxiedProtocol.UNKNOWN
                        && header.proxiedProtocol().transportProtocol() == HAProxyProxiedProtocol.TransportProtocol.STREAM
                        && header.sourceAddress() != null) {
                    List<ProxyTlv> tlvs = new ArrayList<>();
                    for (HAProxyTLV tlv : header.tlvs()) {
                        tlvs.add(new ProxyTlv(tlv.typeByteValue() & 0xff, ByteBufUtil.getBytes(tlv.content())));
                    }
                    connection.proxiedFrom(new InetSocketAddress(header.sourceAddress(), header.sourcePort()),
                            new InetSocketAddress(header.destinationAddress(), header.destinationPort()), tlvs);
                }
            } finally {
                header.release();
            }
            ctx.pipeline().remove(this);
            ctx.fireChannelActive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{}: bad PROXY header from {}: {}", connection.listener().name(),
                    Addresses.describe(ctx.channel().remoteAddress()), cause.getMessage());
            ctx.close();
        }
    }
}
