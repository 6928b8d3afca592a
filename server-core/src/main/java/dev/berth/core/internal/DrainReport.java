package dev.berth.core.internal;

import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.Drain;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What a drain deadline cut: per listener, how many connections; per connection (up to a bound), its
 * peer, what its protocol says was in flight ({@link Drain#describeInFlight}) and the bytes still queued
 * for it (as Netty's outbound buffer counts them: the messages' bytes plus a small overhead each; a file
 * being sent counts in the protocol's description, not here). Asked on each connection's event loop, so the protocols' state is read where it is written.
 */
public final class DrainReport {
    /** Connections described one by one; beyond this the summary line counts them. */
    static final int DETAIL_LIMIT = 20;

    private final Map<String, Integer> perListener = new TreeMap<>();
    private final List<String> details = new ArrayList<>();
    private long queuedBytes;
    private int connections;

    private DrainReport() {
    }

    /** Describes the connections still open; waits at most a moment for each event loop. */
    public static DrainReport of(Collection<Channel> open) {
        DrainReport r = new DrainReport();
        for (Channel ch : open) {
            r.connections++;
            ConnectionContext c = DefaultConnectionContext.find(ch);
            String listener = c == null ? "?" : c.listener().name();
            r.perListener.merge(listener, 1, Integer::sum);
            Connection one = describe(ch);
            r.queuedBytes += one.queued;
            if (r.details.size() < DETAIL_LIMIT) {
                SocketAddress peer = c == null ? ch.remoteAddress() : c.remoteAddress();
                r.details.add(listener + " " + peer + ": " + (one.inFlight == null ? "no work in flight reported" : one.inFlight)
                        + (one.queued > 0 ? ", about " + one.queued + " bytes queued unsent" : ""));
            }
        }
        return r;
    }

    private record Connection(String inFlight, long queued) {
    }

    private static Connection describe(Channel ch) {
        if (ch.eventLoop().inEventLoop()) {
            return read(ch);
        }
        try {
            Future<Connection> f = ch.eventLoop().submit(() -> read(ch));
            return f.get(200, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // A busy or closed loop: describe what can be read from here.
            return new Connection(null, 0);
        }
    }

    private static Connection read(Channel ch) {
        Supplier<String> d = Drain.inFlight(ch);
        String inFlight = null;
        if (d != null) {
            try {
                inFlight = d.get();
            } catch (RuntimeException e) {
                inFlight = "(the protocol could not say: " + e + ")";
            }
        }
        ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        return new Connection(inFlight, out == null ? 0 : out.totalPendingWriteBytes());
    }

    public int connections() {
        return connections;
    }

    /** One line: the count per listener and the bytes queued. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(connections).append(" connection(s) (");
        String sep = "";
        for (Map.Entry<String, Integer> e : perListener.entrySet()) {
            sb.append(sep).append(e.getKey()).append(' ').append(e.getValue());
            sep = ", ";
        }
        sb.append("), about ").append(queuedBytes).append(" bytes queued unsent");
        if (connections > details.size()) {
            sb.append("; the first ").append(details.size()).append(" follow");
        }
        return sb.toString();
    }

    /** A line per connection, up to {@link #DETAIL_LIMIT}. */
    public List<String> details() {
        return details;
    }
}
