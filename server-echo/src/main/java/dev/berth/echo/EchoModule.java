package dev.berth.echo;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Transport;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ModuleSettings;
import dev.berth.core.spi.ProtocolModule;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The echo protocol of RFC 862: whatever a client sends over TCP, or in a UDP datagram, comes back
 * unchanged. Its default listeners are {@code echo} (TCP) and {@code echo-udp} (UDP), both on port 7007.
 */
public final class EchoModule implements ProtocolModule {
    /** The protocol's name, also the name of its TCP listener. */
    public static final String NAME = "echo";
    /** The name of the UDP listener. */
    public static final String UDP_LISTENER = "echo-udp";
    /** RFC 862 says port 7; Berth defaults to an unprivileged port. */
    public static final int DEFAULT_PORT = 7007;
    /** The pipeline name of the echo handler. */
    public static final String HANDLER = "echo";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Transport> transports() {
        return EnumSet.of(Transport.TCP, Transport.UDP);
    }

    @Override
    public List<ListenerConfig> defaultListeners() {
        return List.of(
                ListenerConfig.tcp(NAME).port(DEFAULT_PORT).build(),
                ListenerConfig.udp(UDP_LISTENER).protocol(NAME).port(DEFAULT_PORT).build());
    }

    @Override
    public void configure(ModuleSettings settings) {
        NoStartTls.check(settings, NAME);
    }

    @Override
    public void initPipeline(ChannelPipeline pipeline, ConnectionContext connection) {
        if (connection.listener().transport() == Transport.UDP) {
            pipeline.addLast(HANDLER, new DatagramEchoHandler());
            return;
        }
        // A client that shuts down its write side still expects the rest of its echo: without this
        // option Netty would close the whole connection on the client's FIN.
        connection.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        pipeline.addLast(HANDLER, StreamEchoHandler.INSTANCE);
    }
}
