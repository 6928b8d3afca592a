package dev.berth.core.spi;

import dev.berth.core.internal.DefaultConnectionContext;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.function.Supplier;

/**
 * The user event a graceful stop fires through every live connection: finish what is in flight,
 * tell the peer in the protocol's own terms, then close.
 *
 * <p>A connection still open at the drain deadline is cut. So that the log says what was cut, a
 * protocol may describe its work in flight with {@link #describeInFlight}; the server asks on the
 * connection's event loop, only at the deadline.
 */
public final class Drain {
    /** The single event instance. */
    public static final Drain EVENT = new Drain();

    /** Where {@link #describeInFlight} keeps the description of a channel core did not set up (in tests). */
    public static final AttributeKey<Supplier<String>> IN_FLIGHT = AttributeKey.valueOf("berth.drain.inFlight");

    /**
     * Says what {@code channel} is doing, in the protocol's words ({@code "GET /big.iso: 20000000 of
     * 50000000 bytes sent"}, {@code "DATA: 1048576 bytes received"}), for the line logged when the drain
     * deadline cuts it; the supplier runs on the channel's event loop and returns null when idle. A null
     * {@code description} withdraws the one given before.
     */
    public static void describeInFlight(Channel channel, Supplier<String> description) {
        // A connection core set up keeps it in its context, which costs an idle connection no attribute.
        if (DefaultConnectionContext.find(channel) instanceof DefaultConnectionContext c) {
            c.describeInFlight(description);
        } else {
            channel.attr(IN_FLIGHT).set(description);
        }
    }

    /** What {@link #describeInFlight} was given for {@code channel}; null when nothing was. */
    public static Supplier<String> inFlight(Channel channel) {
        if (DefaultConnectionContext.find(channel) instanceof DefaultConnectionContext c) {
            return c.inFlight();
        }
        return channel.hasAttr(IN_FLIGHT) ? channel.attr(IN_FLIGHT).get() : null;
    }

    private Drain() {
    }

    @Override
    public String toString() {
        return "Drain";
    }
}
