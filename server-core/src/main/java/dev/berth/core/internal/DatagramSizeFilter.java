package dev.berth.core.internal;

import dev.berth.core.Addresses;
import io.micrometer.core.instrument.Counter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops and counts datagrams larger than the listener's limit. The channel reads into buffers one
 * byte larger than the limit, so an oversized datagram is seen as such rather than truncated silently.
 */
public final class DatagramSizeFilter extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(DatagramSizeFilter.class);

    private final String listener;
    private final int maxSize;
    private final AtomicLong dropped = new AtomicLong();
    private final Counter meter;

    public DatagramSizeFilter(String listener, int maxSize) {
        this(listener, maxSize, null);
    }

    /** A filter that also counts its drops in {@code meter} (null: only in {@link #dropped()}). */
    public DatagramSizeFilter(String listener, int maxSize, Counter meter) {
        this.listener = listener;
        this.maxSize = maxSize;
        this.meter = meter;
    }

    /** Datagrams dropped so far for being over the limit. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket && ((DatagramPacket) msg).content().readableBytes() > maxSize) {
            DatagramPacket p = (DatagramPacket) msg;
            long n = dropped.incrementAndGet();
            if (meter != null) {
                meter.increment();
            }
            log.debug("{}: dropped a datagram from {} over the {}-byte limit ({} dropped so far)", listener,
                    Addresses.describe(p.sender()), maxSize, n);
            p.release();
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
