package dev.berth.core.launch;

import dev.berth.core.ListenerConfig;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.tls.TlsConfig;
import java.util.List;

/**
 * How the launcher offers a protocol module on the command line: its flags, its default listeners,
 * and how the flags' values become a configured {@link ProtocolModule}. Found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.berth.core.launch.ModuleFactory}) and
 * chosen by {@link #name()}; the runtime ({@code Server}) never uses it.
 *
 * <p>Call order: the launcher reads {@link #options()}, {@link #defaultListeners()} and
 * {@link #enabledByDefault} to build its flags, then calls {@link #create} once with the values.
 */
public interface ModuleFactory {

    /** The module's name, as {@code --protocols} and the listeners' protocol say it. */
    String name();

    /** The listeners the launcher creates for this module; each gets the per-listener flags. */
    List<ListenerConfig> defaultListeners();

    /** Whether a listener of {@link #defaultListeners()} is served when its {@code --NAME-enabled} flag is not given. */
    default boolean enabledByDefault(String listenerName) {
        return true;
    }

    /**
     * Whether the flags ask for a listener of {@link #defaultListeners()}: its {@code --NAME-enabled} flag, else
     * {@link #enabledByDefault}. A module overrides this when one of its own flags turns a listener on.
     */
    default boolean enabled(String listenerName, ModuleSettings settings) {
        return settings.bool(listenerName + "-enabled", enabledByDefault(listenerName));
    }

    /**
     * The flags of a listener of {@link #defaultListeners()}: core's per-listener ones. A module overrides this when
     * a listener's value follows another flag unless given (the flag then has no default of its own) or when the
     * listener takes flags core does not give every listener of its transport.
     */
    default List<ModuleOption> listenerOptions(ListenerConfig listener) {
        return ListenerOptions.options(listener, enabledByDefault(listener.name()));
    }

    /** A listener of {@link #defaultListeners()} as the flags describe it; overridden with {@link #listenerOptions}. */
    default ListenerConfig listener(ListenerConfig listener, ModuleSettings settings, String defaultHost, TlsConfig tls) {
        return ListenerOptions.apply(listener, settings, defaultHost, tls);
    }

    /** The module's own flags, beyond the per-listener ones core provides. */
    default List<ModuleOption> options() {
        return List.of();
    }

    /** The module the flags describe; a bad value fails with a {@code BerthException} naming its flag. */
    ProtocolModule create(ModuleSettings settings);
}
