package dev.berth.smtp.internal;

import dev.berth.core.spi.LingeringClose;
import dev.berth.smtp.SmtpReply;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;

/** Writes one session's replies, counts the ones that answer client mistakes, and writes the last one before closing. */
final class ReplyWriter {
    private final ChannelHandlerContext ctx;
    private final int maxErrors;
    private int errors;
    private boolean closing;

    ReplyWriter(ChannelHandlerContext ctx, int maxErrors) {
        this.ctx = ctx;
        this.maxErrors = maxErrors;
    }

    /** Writes {@code r}; nothing once the last reply is out. */
    void reply(SmtpReply r) {
        if (!closing) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(r.wireBytes()));
        }
    }

    /** Writes a reply to a client mistake; true when that mistake reached the session's limit. */
    boolean error(SmtpReply r) {
        reply(r);
        return ++errors >= maxErrors;
    }

    /**
     * Writes {@code r} and closes the connection once it is flushed, with a {@link LingeringClose}: a client
     * that pipelined commands behind the one answered reads this reply before the connection ends, where a
     * plain close over its unread commands would make the kernel reset the connection and drop the reply.
     * False if the last reply was already written.
     */
    boolean last(SmtpReply r) {
        if (closing) {
            return false;
        }
        reply(r);
        closing = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(LingeringClose.AFTER_LAST_ANSWER);
        return true;
    }

    /** True once the last reply is written. */
    boolean closing() {
        return closing;
    }
}
