package dev.berth.core.spi;

import io.netty.channel.ChannelPipeline;

/** A protocol module at work in one server: what {@link ProtocolModule#start} returns. */
@FunctionalInterface
public interface ProtocolService {

    /** Adds the protocol's handlers at the end of a new connection's (or UDP channel's) pipeline. */
    void initPipeline(ChannelPipeline pipeline, ConnectionContext connection);

    /**
     * Takes on the settings it can change while running from {@code updated}, a module of the same
     * name made from re-read configuration (SIGHUP), for sessions and connections that start from now
     * on; those already open keep what they started with. Only settings whose option is
     * {@link dev.berth.core.launch.ModuleOption#reloadable() reloadable} are expected to change.
     *
     * @return true when it took the new settings; false (the default) when it can change nothing
     *         live, so the launcher reports that a restart is needed
     * @throws dev.berth.core.BerthException when the new settings are bad; the old ones stay
     */
    default boolean reconfigure(ProtocolModule updated) {
        return false;
    }

    /** Called once when the server has stopped and every connection is closed. */
    default void stop() {
    }
}
