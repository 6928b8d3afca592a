package dev.berth.http.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http3.Http3Exception;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs at debug level the HTTP/3 errors Netty's codec found on a request stream (a header section over the limit,
 * a body shorter than its content-length), which Netty's HTTP/3-to-HTTP/1 codec would log as errors: the codec has
 * already answered them in the protocol (a reset stream, a closed connection), and a client could otherwise fill
 * the server's log at will. Sits just before that codec; every other exception goes on.
 */
final class Http3ErrorLog extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Http3ErrorLog.class);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (cause instanceof Http3Exception) {
            if (log.isDebugEnabled()) {
                log.debug("HTTP/3 error on {} from {}: {} {}", ctx.channel(), ctx.channel().parent().remoteAddress(),
                        ((Http3Exception) cause).errorCode(), cause.getMessage());
            }
            return;
        }
        super.exceptionCaught(ctx, cause);
    }
}
