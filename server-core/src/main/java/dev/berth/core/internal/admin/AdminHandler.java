package dev.berth.core.internal.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the admin endpoints: GET or HEAD only (405 otherwise, with {@code Allow}), 404 for any
 * other path, 401 without the bearer token when one is set ({@code /healthz} excepted, so that a
 * liveness probe needs no secret), and 400, 414 or 431 for a request the codec could not read.
 */
@ChannelHandler.Sharable
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    private static final String TEXT = "text/plain; charset=utf-8";

    private final AdminStatus status;
    private final byte[] expectedAuthorization;

    /** A handler that asks {@code status}; {@code token} is null when no token is required. */
    public AdminHandler(AdminStatus status, char[] token) {
        this.status = status;
        this.expectedAuthorization = token == null ? null
                : ("Bearer " + new String(token)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus s = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            send(ctx, request, text(s, s.reasonPhrase() + "\n"), false);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        boolean known = path.equals("/metrics") || path.equals("/healthz") || path.equals("/readyz")
                || path.equals("/info");
        if (!known) {
            send(ctx, request, text(HttpResponseStatus.NOT_FOUND, "not found: the admin listener serves "
                    + "/metrics, /healthz, /readyz and /info\n"), true);
            return;
        }
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, request, r, true);
            return;
        }
        if (!path.equals("/healthz") && !authorized(request)) {
            FullHttpResponse r = text(HttpResponseStatus.UNAUTHORIZED, "unauthorized: send Authorization: Bearer TOKEN\n");
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"berth-admin\"");
            send(ctx, request, r, true);
            return;
        }
        send(ctx, request, answer(path, request), true);
    }

    private FullHttpResponse answer(String path, FullHttpRequest request) {
        switch (path) {
            case "/healthz":
                return text(HttpResponseStatus.OK, "ok\n");
            case "/readyz":
                return status.ready() ? text(HttpResponseStatus.OK, "ready\n")
                        : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready\n");
            case "/info":
                return response(HttpResponseStatus.OK, "application/json", status.info());
            default:
                AdminStatus.Scrape s = status.scrape(request.headers().get(HttpHeaderNames.ACCEPT, ""));
                return response(HttpResponseStatus.OK, s.contentType(), s.body());
        }
    }

    /** Compares the whole header in constant time, so its timing tells nothing about the token. */
    private boolean authorized(FullHttpRequest request) {
        if (expectedAuthorization == null) {
            return true;
        }
        String given = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        return given != null && MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return response(status, TEXT, body);
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response,
                             boolean mayKeepAlive) {
        if (request.method().equals(HttpMethod.HEAD)) {
            response.content().clear(); // Content-Length still says what GET would send
        }
        boolean keepAlive = mayKeepAlive && HttpUtil.isKeepAlive(request);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var f = ctx.writeAndFlush(response);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("admin: closing a connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
