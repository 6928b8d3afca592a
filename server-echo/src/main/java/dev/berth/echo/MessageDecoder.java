package dev.berth.echo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.util.List;

/**
 * Frames the greeting client's message: a line ended by LF or CRLF, or, when the client ends its
 * side first, whatever it sent without a line end. Longer than the limit fails fast.
 */
final class MessageDecoder extends LineBasedFrameDecoder {

    MessageDecoder(int maxLength) {
        // failFast: an over-long line is refused as soon as it passes the limit, not when it ends.
        super(maxLength, true, true);
    }

    /** Bytes of a message received without its line end yet. */
    int partial() {
        return actualReadableBytes();
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        // `printf hi | nc host 7013` is a message too; the limit has held it to at most maxLength bytes.
        if (out.isEmpty() && in.isReadable()) {
            out.add(in.readRetainedSlice(in.readableBytes()));
        }
    }
}
