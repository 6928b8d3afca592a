package dev.berth.http.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Refuses an HTTP/2 request whose header block lacks a pseudo-header RFC 9113 section 8.3.1 requires:
 * {@code :method}, and, except for CONNECT, a {@code :scheme} and a non-empty {@code :path}. Such a request is
 * malformed (section 8.1.1), a stream error of type PROTOCOL_ERROR; it must not reach the HTTP/1-style
 * conversion, which would guess the missing parts, and so must not be forwarded to an HTTP/1.1 origin.
 * Netty checks the pseudo-headers that are present (order, duplicates, unknown names), not the ones missing.
 */
final class RequestPseudoHeaders extends ChannelInboundHandlerAdapter {
    private boolean seen;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!seen && msg instanceof Http2HeadersFrame frame) {
            seen = true;
            String missing = missing(frame.headers());
            if (missing != null) {
                ReferenceCountUtil.release(msg);
                throw Http2Exception.streamError(frame.stream().id(), Http2Error.PROTOCOL_ERROR,
                        "malformed request: no %s pseudo-header", missing);
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The first required pseudo-header {@code headers} lacks, or null when the request has them all. */
    static String missing(Http2Headers headers) {
        CharSequence method = headers.method();
        if (method == null || method.length() == 0) {
            return ":method";
        }
        boolean connect = HttpMethod.CONNECT.asciiName().contentEquals(method);
        if (connect) {
            return headers.authority() == null ? ":authority" : null;
        }
        if (headers.scheme() == null || headers.scheme().length() == 0) {
            return ":scheme";
        }
        if (headers.path() == null || headers.path().length() == 0) {
            return ":path";
        }
        return null;
    }
}
