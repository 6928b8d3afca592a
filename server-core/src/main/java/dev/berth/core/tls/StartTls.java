package dev.berth.core.tls;

import dev.berth.core.PipelineNames;
import dev.berth.core.internal.tls.ListenerTls;
import dev.berth.core.internal.tls.TlsHandlers;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Switches a plaintext connection to TLS when its protocol's client asks (SMTP's STARTTLS), safely:
 *
 * <ol>
 *   <li>the TLS handler goes in first, before the go-ahead reply is written;</li>
 *   <li>everything the client pipelined after its command is discarded: the protocol's framing
 *       decoder is replaced by a fresh one, and whatever it had buffered or still decodes is dropped
 *       (CVE-2011-0411);</li>
 *   <li>nothing reaches the protocol until the handshake completes;</li>
 *   <li>then the protocol is told, so that it forgets everything it learnt in plaintext.</li>
 * </ol>
 * A failed handshake closes the connection.
 */
public final class StartTls {
    private static final Logger log = LoggerFactory.getLogger(StartTls.class);
    /** The name of the handler that drops inbound data while the handshake is under way. */
    public static final String DISCARD = "berth.starttls-discard";

    private StartTls() {
    }

    /**
     * Begins the switch. Call on the event loop, from the protocol handler whose context is {@code ctx},
     * when it has accepted the client's command.
     *
     * @param ctx the protocol handler's context
     * @param framingName the name of the protocol's framing decoder (e.g. its line decoder), between TLS and {@code ctx}
     * @param freshFraming makes a new framing decoder, with nothing buffered
     * @param goAhead the reply that tells the client to start its handshake (e.g. {@code 220 2.0.0 Ready})
     * @param onSecured called on the event loop once the handshake succeeded: reset all protocol state here
     */
    public static void begin(ChannelHandlerContext ctx, String framingName, Supplier<? extends ChannelHandler> freshFraming,
                             Object goAhead, Consumer<SSLSession> onSecured) {
        ChannelPipeline p = ctx.pipeline();
        if (p.get(SslHandler.class) != null || p.get(PipelineNames.TLS) != null) {
            throw new IllegalStateException("the connection already speaks TLS");
        }
        ListenerTls tls = ctx.channel().attr(ListenerTls.KEY).get();
        if (tls == null) {
            throw new IllegalStateException("the listener has no TLS configured");
        }
        Discarder discarder = new Discarder(onSecured);
        p.addBefore(ctx.name(), DISCARD, discarder);
        if (framingName != null) {
            // The old decoder hands what it buffered to the next handler as it leaves: the discarder drops it.
            p.replace(framingName, framingName, freshFraming.get());
        }
        p.addFirst(PipelineNames.TLS, TlsHandlers.newTlsHandler(tls));
        ctx.writeAndFlush(goAhead);
    }

    /** Drops everything inbound until the handshake ends; then steps aside and tells the protocol. */
    private static final class Discarder extends ChannelInboundHandlerAdapter {
        private final Consumer<SSLSession> onSecured;
        private long dropped;

        Discarder(Consumer<SSLSession> onSecured) {
            this.onSecured = onSecured;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            dropped++;
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent) {
                SslHandshakeCompletionEvent done = (SslHandshakeCompletionEvent) evt;
                if (!done.isSuccess()) {
                    log.debug("STARTTLS handshake with {} failed: {}", ctx.channel().remoteAddress(),
                            done.cause().toString());
                    ctx.close();
                    return;
                }
                if (dropped > 0) {
                    log.debug("discarded {} plaintext message(s) pipelined after STARTTLS from {}", dropped,
                            ctx.channel().remoteAddress());
                }
                ctx.pipeline().remove(this);
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                onSecured.accept(ssl.engine().getSession());
                ctx.fireUserEventTriggered(evt);
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}
