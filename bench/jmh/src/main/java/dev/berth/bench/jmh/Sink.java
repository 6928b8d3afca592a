package dev.berth.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The last handler of a benchmark pipeline: folds every message into a running total (so the work that
 * produced it cannot be optimised away), releases it, and in capture mode keeps copies for the setup check.
 */
public final class Sink extends ChannelInboundHandlerAdapter {
    private final ToLongFunction<Object> weigh;
    private long total;
    private List<Object> captured;
    private Throwable failure;

    /** A sink that adds {@code weigh(message)} to its total for every message. */
    public Sink(ToLongFunction<Object> weigh) {
        this.weigh = weigh;
    }

    /** The running total; benchmarks return it. */
    public long total() {
        return total;
    }

    /** Starts keeping the messages that arrive (ByteBufs as byte arrays), for checking in setup. */
    public void capture() {
        captured = new ArrayList<>();
    }

    /** The messages kept since {@link #capture()}; stops keeping them. */
    public List<Object> drainCaptured() {
        List<Object> out = captured;
        captured = null;
        return out;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            total += weigh.applyAsLong(msg);
            if (captured != null) {
                if (msg instanceof ByteBuf) {
                    ByteBuf b = (ByteBuf) msg;
                    byte[] copy = new byte[b.readableBytes()];
                    b.getBytes(b.readerIndex(), copy);
                    captured.add(copy);
                } else {
                    captured.add(msg);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Netty would only log an exception thrown from here; keep it for failIfBroken() instead.
        if (failure == null) {
            failure = cause;
        }
    }

    /** Throws if anything in the pipeline failed: a decoder that throws has left the path the benchmark claims to measure. */
    public void failIfBroken() {
        if (failure != null) {
            throw new IllegalStateException("benchmark pipeline failed", failure);
        }
    }
}
