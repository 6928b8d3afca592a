package dev.berth.http.internal;

import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.Drain;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Chooses HTTP/1.1 or HTTP/2 for a new connection: by ALPN after the TLS handshake, or on plaintext by
 * looking for the HTTP/2 connection preface (h2c with prior knowledge), then puts that version's
 * handlers in its own place.
 */
public final class ProtocolSelection {
    /** The name the selecting handler has in the pipeline until it replaces itself. */
    public static final String NAME = "http.protocol-selection";

    private ProtocolSelection() {
    }

    /** For TLS listeners: h2 when the client chose it by ALPN, HTTP/1.1 otherwise. */
    public static ApplicationProtocolNegotiationHandler byAlpn(HttpService service, ConnectionContext connection) {
        return new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                if (evt == Drain.EVENT) {
                    // still shaking hands: no request in flight, nothing to finish
                    ctx.close();
                    return;
                }
                super.userEventTriggered(ctx, evt);
            }

            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    HttpPipelines.http2(ctx.pipeline(), ctx.name(), service, connection);
                } else {
                    HttpPipelines.http1(ctx.pipeline(), ctx.name(), service, connection);
                }
            }
        };
    }

    /** For plaintext listeners: h2c when the first bytes are the HTTP/2 preface, HTTP/1.1 otherwise. */
    public static ByteToMessageDecoder byPreface(HttpService service, ConnectionContext connection) {
        return new PrefaceSniffer(service, connection);
    }

    private static final class PrefaceSniffer extends ByteToMessageDecoder {
        private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();
        private final HttpService service;
        private final ConnectionContext connection;

        PrefaceSniffer(HttpService service, ConnectionContext connection) {
            this.service = service;
            this.connection = connection;
        }

        private ScheduledFuture<?> timeout;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            // a client that opens a connection and sends nothing is held no longer than a slow header section
            timeout = ctx.executor().schedule(() -> {
                ctx.close();
            }, service.limits().headerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        protected void handlerRemoved0(ChannelHandlerContext ctx) {
            timeout.cancel(false);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == Drain.EVENT) {
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
            boolean prefix = ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), n);
            if (prefix && n < PREFACE.readableBytes()) {
                return;
            }
            if (prefix) {
                HttpPipelines.http2(ctx.pipeline(), ctx.name(), service, connection);
            } else {
                HttpPipelines.http1(ctx.pipeline(), ctx.name(), service, connection);
            }
            // removing a decoder hands the bytes read so far to the handler now after it
            ctx.pipeline().remove(this);
        }
    }
}
