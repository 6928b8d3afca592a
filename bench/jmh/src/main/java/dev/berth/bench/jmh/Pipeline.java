package dev.berth.bench.jmh;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.function.ToLongFunction;

/** A decoder in an {@link EmbeddedChannel} followed by a {@link Sink}: what a decoding benchmark drives. */
public final class Pipeline {
    /** The size of one simulated socket read. */
    public static final int READ_SIZE = 16 * 1024;

    private final EmbeddedChannel channel;
    private final Sink sink;

    /** {@code decoder} followed by a sink that weighs each message with {@code weigh} (which throws on a wrong one). */
    public Pipeline(ChannelHandler decoder, ToLongFunction<Object> weigh) {
        this.sink = new Sink(weigh);
        this.channel = new EmbeddedChannel(decoder, sink);
    }

    /** Feeds {@code wire} as socket reads; returns the sink's running total, for the benchmark to return. */
    public long feed(byte[] wire) {
        reads(wire);
        return sink.total();
    }

    /** Feeds {@code wire} and returns what came out (ByteBufs as byte arrays); throws if anything failed. */
    public List<Object> feedAndCapture(byte[] wire) {
        sink.capture();
        reads(wire);
        List<Object> out = sink.drainCaptured();
        sink.failIfBroken();
        return out;
    }

    /** Fires {@code wire} through the pipeline in reads of at most {@link #READ_SIZE} bytes, each followed by a read-complete. */
    private void reads(byte[] wire) {
        for (int off = 0; off < wire.length; off += READ_SIZE) {
            channel.pipeline().fireChannelRead(Unpooled.wrappedBuffer(wire, off, Math.min(READ_SIZE, wire.length - off)));
            channel.pipeline().fireChannelReadComplete();
        }
    }

    /** Throws if anything failed since the start (so a broken run is not reported), then closes the channel. */
    public void close() {
        sink.failIfBroken();
        channel.finishAndReleaseAll();
    }
}
