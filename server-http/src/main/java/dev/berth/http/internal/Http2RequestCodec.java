package dev.berth.http.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;

/**
 * The frames of one HTTP/2 request stream as HTTP/1-style objects (Netty's codec, as a server, validating
 * headers), which first refuses a request whose header block lacks a pseudo-header RFC 9113 section 8.3.1
 * requires: {@code :method}, and, except for CONNECT, a {@code :scheme} and a non-empty {@code :path}. Such a
 * request is malformed (section 8.1.1), a stream error of type PROTOCOL_ERROR; it must not reach the
 * conversion, which would guess the missing parts, and so must not be forwarded to an HTTP/1.1 origin. Netty
 * checks the pseudo-headers that are present (order, duplicates, unknown names), not the ones missing.
 *
 * <p>A request with a body gets its {@link Http2BodyTimeout} placed after this handler when its head arrives.
 * One handler, not a check in front of the codec, and the timeout only where a body comes: every stream builds
 * its own pipeline, and each handler in it costs its context, its addition and its removal per request
 * (bench/README.md). Not shared: it keeps whether the stream's first header block was seen.
 */
final class Http2RequestCodec extends Http2StreamFrameToHttpObjectCodec {
    private final Duration bodyTimeout;
    private boolean seen;

    /** {@code bodyTimeout}: the body timeout of a request that has a body ({@link Http2BodyTimeout}). */
    Http2RequestCodec(Duration bodyTimeout) {
        super(true, true);
        this.bodyTimeout = bodyTimeout;
    }

    @Override
    public boolean isSharable() {
        return false;
    }

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
            if (!frame.isEndStream()) {
                // a body follows: its timeout watches it, placed now so that it sees the request's head
                ctx.pipeline().addAfter(ctx.name(), null, new Http2BodyTimeout(bodyTimeout));
            }
        }
        super.channelRead(ctx, msg);
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
