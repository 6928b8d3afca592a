package dev.berth.core.internal.tls;

import dev.berth.core.PipelineNames;
import dev.berth.core.internal.QuickAck;
import dev.berth.core.internal.metrics.TlsMeters;
import dev.berth.core.tls.ClientHello;
import dev.berth.core.tls.TlsContextProvider;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * Reads the ClientHello, asks the listener's {@link TlsContextProvider} for the context of the SNI
 * name, and puts an {@link SslHandler} in its own place under {@link PipelineNames#TLS}. It also
 * times the handshake, from this handler's arrival (accept, or the STARTTLS command) to the
 * handshake's end, and records it in the listener's meters; at the end it acknowledges the client's
 * last flight at once ({@link QuickAck}), so a client with Nagle on need not wait to send its request.
 */
final class SniSslHandler extends SniHandler {
    /** The SNI host name the client sent, kept for handlers once this handler has gone. */
    static final AttributeKey<String> SNI_HOST = AttributeKey.valueOf("berth.tls-sni-host");

    private final long handshakeTimeoutMillis;
    private final TlsContextProvider provider;
    private final ListenerTls tls;
    private ClientHello hello = ClientHello.UNKNOWN;
    private long started;
    private boolean replaced;
    /** The ClientHello was an ACME server's TLS-ALPN-01 check, answered with the validation certificate. */
    private boolean acmeValidation;

    SniSslHandler(ListenerTls tls) {
        super((input, promise) -> promise.setFailure(new IllegalStateException("not used")),
                tls.handshakeTimeout().toMillis());
        this.tls = tls;
        this.provider = tls.provider();
        this.handshakeTimeoutMillis = tls.handshakeTimeout().toMillis();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        started = System.nanoTime();
        super.handlerAdded(ctx);
    }

    /** Reads what the client accepts before the host name lookup below, which the superclass calls next. */
    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) throws Exception {
        hello = ClientHello.parse(clientHello);
        return super.lookup(ctx, clientHello);
    }

    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, String hostName) {
        try {
            Optional<SslContext> validation = tls.acmeValidation(hostName, hello);
            if (validation.isPresent()) {
                acmeValidation = true;
                return ctx.executor().newSucceededFuture(validation.get());
            }
            return ctx.executor().newSucceededFuture(provider.contextFor(hostName, hello));
        } catch (RuntimeException e) {
            return ctx.executor().newFailedFuture(e);
        }
    }

    @Override
    protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext sslContext) {
        SslHandler ssl = null;
        try {
            ssl = newSslHandler(sslContext, ctx.alloc());
            ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
            if (hostname != null) {
                ctx.channel().attr(SNI_HOST).set(hostname);
            }
            ctx.pipeline().replace(this, PipelineNames.TLS, ssl);
            replaced = true;
            boolean validating = acmeValidation;
            ssl.handshakeFuture().addListener(f -> {
                if (validating) {
                    // RFC 8737: the handshake is the whole exchange; nothing of the protocol is served.
                    ctx.channel().close();
                } else if (f.isSuccess()) {
                    QuickAck.now(ctx.channel());
                }
            });
            tls.meters().ifPresent(m -> meter(m, ctx.pipeline().get(SslHandler.class), hostname));
            ssl = null;
        } finally {
            if (ssl != null) {
                ReferenceCountUtil.safeRelease(ssl.engine());
            }
        }
    }

    private void meter(TlsMeters meters, SslHandler ssl, String hostName) {
        if (ssl == null) {
            return;
        }
        String sni = tls.sniBucket(hostName);
        long start = started;
        ssl.handshakeFuture().addListener(f -> {
            SSLSession session = f.isSuccess() ? ssl.engine().getSession() : null;
            meters.handshake(f.isSuccess(), session == null ? null : session.getProtocol(),
                    session == null ? null : session.getCipherSuite(), sni, System.nanoTime() - start);
        });
    }

    /** A ClientHello that cannot be read fails the handshake before an engine exists: counted here. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (!replaced) {
            replaced = true;
            tls.meters().ifPresent(m -> m.handshake(false, null, null, ReloadingContextProvider.DEFAULT_BUCKET,
                    System.nanoTime() - started));
        }
        super.exceptionCaught(ctx, cause);
    }
}
