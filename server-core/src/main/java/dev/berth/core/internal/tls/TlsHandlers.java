package dev.berth.core.internal.tls;

import dev.berth.core.PipelineNames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.util.List;

/** Installs a listener's TLS handler at accept: at once in IMPLICIT mode, after sniffing in OPTIONAL mode. */
public final class TlsHandlers {
    private TlsHandlers() {
    }

    /**
     * Adds the TLS handler (or the sniffer) at the end of the pipeline; does nothing for STARTTLS, whose
     * handler {@link dev.berth.core.tls.StartTls} adds when the client asks.
     */
    public static void installAtAccept(ChannelPipeline pipeline, ListenerTls tls) {
        switch (tls.mode()) {
            case IMPLICIT:
                pipeline.addLast(PipelineNames.TLS, newTlsHandler(tls));
                break;
            case OPTIONAL:
                pipeline.addLast(PipelineNames.TLS_SNIFFER, new Sniffer(tls));
                break;
            default:
                break;
        }
    }

    /** A handler that selects the context by SNI and then becomes the {@link SslHandler}. */
    public static ChannelHandler newTlsHandler(ListenerTls tls) {
        return new SniSslHandler(tls);
    }

    /** The SNI host name of a connection's TLS session, if the client sent one. */
    public static String sniHostName(io.netty.channel.Channel channel) {
        return channel.attr(SniSslHandler.SNI_HOST).get();
    }

    /** OPTIONAL mode: a TLS record header in the first bytes means TLS, anything else plaintext. */
    private static final class Sniffer extends ByteToMessageDecoder {
        private static final int HANDSHAKE_RECORD = 22;
        private final ListenerTls tls;

        Sniffer(ListenerTls tls) {
            this.tls = tls;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (!in.isReadable()) {
                return;
            }
            // A TLS record starts with its content type; a ClientHello is a handshake record (22). Deciding
            // on a plaintext first byte at once serves short plaintext greetings without waiting for more.
            if (in.getUnsignedByte(in.readerIndex()) != HANDSHAKE_RECORD) {
                ctx.pipeline().remove(this);
                return;
            }
            if (in.readableBytes() < 5) {
                return;
            }
            if (SslHandler.isEncrypted(in, false)) {
                ctx.pipeline().replace(this, PipelineNames.TLS, newTlsHandler(tls));
            } else {
                ctx.pipeline().remove(this);
            }
        }
    }
}
