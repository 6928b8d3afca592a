package dev.berth.core.spi;

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

    /** Where {@link #describeInFlight} keeps a connection's description. */
    public static final AttributeKey<Supplier<String>> IN_FLIGHT = AttributeKey.valueOf("berth.drain.inFlight");

    /**
     * Says what {@code channel} is doing, in the protocol's words ({@code "GET /big.iso: 20000000 of
     * 50000000 bytes sent"}, {@code "DATA: 1048576 bytes received"}), for the line logged when the drain
     * deadline cuts it; the supplier runs on the channel's event loop and returns null when idle.
     */
    public static void describeInFlight(Channel channel, Supplier<String> description) {
        channel.attr(IN_FLIGHT).set(description);
    }

    private Drain() {
    }

    @Override
    public String toString() {
        return "Drain";
    }
}
