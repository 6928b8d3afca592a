package dev.berth.core.spi;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Transport;
import io.netty.channel.ChannelPipeline;
import java.util.List;
import java.util.Set;

/**
 * A protocol Berth can serve, found with {@link java.util.ServiceLoader} and chosen by {@link #name()}.
 *
 * <p>Call order: the launcher calls {@link #configure(ModuleSettings)} once with the values of the
 * module's {@link #options()}; the server calls {@link #start(ServerContext)} once before it binds,
 * then {@link #initPipeline} for every accepted TCP connection (after core has installed its own
 * handlers, see {@link dev.berth.core.PipelineNames}) and once for every bound UDP channel, and
 * {@link #stop()} once after every connection is closed. On a graceful stop each live connection's
 * pipeline receives {@link Drain#EVENT}: a module finishes the exchange in flight and closes.
 */
public interface ProtocolModule {

    /** The name that listeners, flags and {@code --protocols} use, e.g. {@code echo}. */
    String name();

    /** The transports this module can serve. */
    Set<Transport> transports();

    /** The ALPN protocol names this module speaks over TLS, most preferred first (e.g. {@code h2}, {@code http/1.1}). */
    default List<String> applicationProtocols() {
        return List.of();
    }

    /** The listeners the launcher creates for this module when nothing else is said. */
    default List<ListenerConfig> defaultListeners() {
        return List.of();
    }

    /** Whether the launcher serves one of {@link #defaultListeners()} when its {@code --NAME-enabled} flag is not given. */
    default boolean enabledByDefault(String listenerName) {
        return true;
    }

    /** The module's own command-line options, beyond the per-listener ones core provides. */
    default List<ModuleOption> options() {
        return List.of();
    }

    /** Receives the values of {@link #options()}; throws {@code BerthException} naming a bad flag. */
    default void configure(ModuleSettings settings) {
    }

    /** Called once before any listener binds. */
    default void start(ServerContext server) {
    }

    /** Adds this protocol's handlers at the end of a new connection's (or UDP channel's) pipeline. */
    void initPipeline(ChannelPipeline pipeline, ConnectionContext connection);

    /** Called once when the server has stopped. */
    default void stop() {
    }
}
