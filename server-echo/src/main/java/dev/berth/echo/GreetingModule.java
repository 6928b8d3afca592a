package dev.berth.echo;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Transport;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ModuleOption;
import dev.berth.core.spi.ModuleSettings;
import dev.berth.core.spi.ProtocolModule;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import java.util.EnumSet;
import java.util.List;
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

    private volatile GreetingSettings settings;

    /** A module with {@link GreetingSettings#defaults()}, until the launcher configures it. */
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

    @Override
    public List<ListenerConfig> defaultListeners() {
        return List.of(ListenerConfig.tcp(NAME).port(DEFAULT_PORT).build());
    }

    @Override
    public List<ModuleOption> options() {
        return GreetingSettings.options();
    }

    @Override
    public void configure(ModuleSettings values) {
        NoStartTls.check(values, NAME);
        settings = GreetingSettings.from(values);
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
