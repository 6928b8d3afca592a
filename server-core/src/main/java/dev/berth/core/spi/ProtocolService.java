package dev.berth.core.spi;

import io.netty.channel.ChannelPipeline;

/** A protocol module at work in one server: what {@link ProtocolModule#start} returns. */
@FunctionalInterface
public interface ProtocolService {

    /** Adds the protocol's handlers at the end of a new connection's (or UDP channel's) pipeline. */
    void initPipeline(ChannelPipeline pipeline, ConnectionContext connection);

    /** Called once when the server has stopped and every connection is closed. */
    default void stop() {
    }
}
