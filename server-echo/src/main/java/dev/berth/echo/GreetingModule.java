package dev.berth.echo;

import dev.berth.core.Transport;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProtocolService;
import dev.berth.core.spi.ServerContext;
import dev.berth.echo.internal.TrafficMeter;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.tls.TlsMode;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The greeting service: on connect the server tells the time, reads one line from the client,
 * repeats it back as {@code You have sent: [...]} and closes. Its default listener is
 * {@code greeting}, TCP port 7013.
 */
public final class GreetingModule implements ProtocolModule {
    /** The protocol's name, also the name of its listener. */
    public static final String NAME = "greeting";
    public static final int DEFAULT_PORT = 7013;
    /** The pipeline name of the decoder that frames the client's message for the {@link GreetingHandler}. */
    public static final String MESSAGE_DECODER = "greeting.message-decoder";
    /** The pipeline name of the {@link GreetingHandler}. */
    public static final String HANDLER = "greeting";

    private final GreetingSettings settings;

    /** A module with {@link GreetingSettings#defaults()}. */
    public GreetingModule() {
        this(GreetingSettings.defaults());
    }

    public GreetingModule(GreetingSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Transport> transports() {
        return EnumSet.of(Transport.TCP);
    }

    /** The greeting has no command to begin TLS with, so a STARTTLS listener could never be secured. */
    @Override
    public Set<TlsMode> tlsModes() {
        return EnumSet.of(TlsMode.NONE, TlsMode.IMPLICIT, TlsMode.OPTIONAL);
    }

    /** The settings in use. */
    public GreetingSettings settings() {
        return settings;
    }

    /** Counts each listener's traffic ({@code berth.echo.bytes}, {@code berth.echo.datagrams}) in the server's registry. */
    @Override
    public ProtocolService start(ServerContext server) {
        return TrafficMeter.metered(server.meterRegistry(), this::initPipeline);
    }

    @Override
    public void initPipeline(ChannelPipeline pipeline, ConnectionContext connection) {
        GreetingSettings s = settings;
        // A client that ends its side right after its message still gets the answer.
        connection.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        pipeline.addLast(MESSAGE_DECODER, new MessageDecoder(s.maxMessage()));
        pipeline.addLast(HANDLER, new GreetingHandler(s));
    }
}
