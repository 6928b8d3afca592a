package dev.berth.echo;

import dev.berth.core.PipelineNames;
import dev.berth.core.Transport;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProtocolService;
import dev.berth.core.spi.ServerContext;
import dev.berth.echo.internal.TlsRecordSplitter;
import dev.berth.echo.internal.TrafficMeter;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.tls.TlsMode;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

    /** Echo has no command to begin TLS with, so a STARTTLS listener could never be secured. */
    @Override
    public Set<TlsMode> tlsModes() {
        return EnumSet.of(TlsMode.NONE, TlsMode.IMPLICIT, TlsMode.OPTIONAL);
    }

    /**
     * Counts each listener's traffic ({@code berth.echo.bytes}, {@code berth.echo.datagrams}) in the server's
     * registry: over UDP with the meter in the pipeline, over TCP in the echo handler itself, so that an idle
     * connection does not carry a pipeline context for it.
     */
    @Override
    public ProtocolService start(ServerContext server) {
        ProtocolService datagrams = TrafficMeter.metered(server.meterRegistry(), this::initPipeline);
        Map<String, StreamEchoHandler> streams = new ConcurrentHashMap<>();
        return (pipeline, connection) -> {
            if (connection.listener().transport() == Transport.UDP) {
                datagrams.initPipeline(pipeline, connection);
                return;
            }
            initStream(pipeline, connection, streams.computeIfAbsent(connection.listener().name(),
                    l -> new StreamEchoHandler(TrafficMeter.of(server.meterRegistry(), l))));
        };
    }

    @Override
    public void initPipeline(ChannelPipeline pipeline, ConnectionContext connection) {
        if (connection.listener().transport() == Transport.UDP) {
            pipeline.addLast(HANDLER, new DatagramEchoHandler());
            return;
        }
        initStream(pipeline, connection, StreamEchoHandler.INSTANCE);
    }

    private static void initStream(ChannelPipeline pipeline, ConnectionContext connection, StreamEchoHandler echo) {
        // A client that shuts down its write side still expects the rest of its echo: without this
        // option Netty would close the whole connection on the client's FIN.
        connection.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        // So that the echo of data sent just before a TLS close_notify still goes out (see the splitter).
        String tls = pipeline.get(PipelineNames.TLS) != null ? PipelineNames.TLS
                : pipeline.get(PipelineNames.TLS_SNIFFER) != null ? PipelineNames.TLS_SNIFFER : null;
        if (tls != null) {
            pipeline.addBefore(tls, TlsRecordSplitter.NAME, new TlsRecordSplitter());
        }
        pipeline.addLast(HANDLER, echo);
    }
}
