package dev.berth.http.internal;

import dev.berth.core.spi.Drain;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What one HTTP connection has in flight, for the line core logs when the drain deadline cuts it
 * ({@link Drain#describeInFlight}): the connection's parts (its HTTP/1.1 exchange handler, or each
 * HTTP/2 stream's, and the close that waits for the client) each describe their own work. Every part
 * runs on the connection's event loop, where the description is asked for, so no lock is needed.
 */
final class InFlight implements Supplier<String> {
    private static final AttributeKey<InFlight> KEY = AttributeKey.valueOf("berth.http.inFlight");

    private final List<Supplier<String>> parts = new ArrayList<>(2);

    private InFlight() {
    }

    /** Adds {@code part} (null when it has nothing in flight) to what {@code connection} reports. */
    static void add(Channel connection, Supplier<String> part) {
        InFlight all = connection.attr(KEY).get();
        if (all == null) {
            all = new InFlight();
            connection.attr(KEY).set(all);
            Drain.describeInFlight(connection, all);
        }
        all.parts.add(part);
    }

    /** Removes a part that ended (a stream closed). */
    static void remove(Channel connection, Supplier<String> part) {
        InFlight all = connection.attr(KEY).get();
        if (all != null) {
            all.parts.remove(part);
        }
    }

    /** The parts' descriptions joined with "; ", or null when none has work in flight. */
    @Override
    public String get() {
        StringBuilder sb = new StringBuilder();
        for (Supplier<String> part : parts) {
            String d = part.get();
            if (d != null) {
                sb.append(sb.length() == 0 ? "" : "; ").append(d);
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
