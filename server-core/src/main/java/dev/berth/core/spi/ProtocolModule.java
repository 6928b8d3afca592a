package dev.berth.core.spi;

import dev.berth.core.Transport;
import dev.berth.core.tls.TlsMode;
import io.netty.channel.ChannelPipeline;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A protocol Berth can serve: an immutable value, chosen by {@link #name()}, that a server asks for
 * the handlers of each new connection.
 *
 * <p>Call order: when a {@link dev.berth.core.Server} starts it calls {@link #start(ServerContext)}
 * once, before any listener binds, and keeps the {@link ProtocolService} it returns for that server
 * alone; the service's {@link ProtocolService#initPipeline} then runs for every accepted TCP
 * connection (after core has installed its own handlers, see {@link dev.berth.core.PipelineNames})
 * and once for every bound UDP channel, and {@link ProtocolService#stop()} once after every
 * connection is closed. On a graceful stop each live connection's pipeline receives {@link Drain#EVENT}:
 * a module finishes the exchange in flight and closes. One module value can serve several servers
 * in one JVM, each with its own service.
 *
 * <p>A module that keeps no state per server overrides {@link #initPipeline} and leaves
 * {@link #start} as it is. A module with state (a store, a pool, a cache) overrides {@link #start}.
 */
public interface ProtocolModule {

    /** The name that listeners use as their protocol, e.g. {@code echo}. */
    String name();

    /** The transports this module can serve. */
    Set<Transport> transports();

    /**
     * The TLS modes this module can serve; a listener in another mode is refused when the server is
     * built. By default every mode: a protocol without a STARTTLS command, or whose server speaks first
     * (so there is no client byte to sniff in {@code OPTIONAL} mode), says so here.
     */
    default Set<TlsMode> tlsModes() {
        return EnumSet.allOf(TlsMode.class);
    }

    /** The ALPN protocol names this module speaks over TLS, most preferred first (e.g. {@code h2}, {@code http/1.1}). */
    default List<String> applicationProtocols() {
        return List.of();
    }

    /**
     * Prepares this module to serve one server, before any listener binds; throws a
     * {@code BerthException} naming the setting when it cannot. By default the service is
     * {@link #initPipeline}.
     */
    default ProtocolService start(ServerContext server) {
        return this::initPipeline;
    }

    /**
     * Adds this protocol's handlers at the end of a new connection's (or UDP channel's) pipeline; the
     * service of a module that does not override {@link #start}.
     */
    default void initPipeline(ChannelPipeline pipeline, ConnectionContext connection) {
        throw new UnsupportedOperationException("protocol module " + name() + " overrides neither start nor initPipeline");
    }
}
