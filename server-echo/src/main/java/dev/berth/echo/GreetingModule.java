package dev.berth.echo;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Transport;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ModuleOption;
import dev.berth.core.spi.ModuleSettings;
import dev.berth.core.spi.ProtocolModule;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LineBasedFrameDecoder;
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
    /** The pipeline name of the line decoder in front of the {@link GreetingHandler}. */
    public static final String LINE_DECODER = "greeting.line-decoder";
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
        // failFast: an over-long line is refused as soon as it passes the limit, not when it ends.
        pipeline.addLast(LINE_DECODER, new LineBasedFrameDecoder(s.maxMessage(), true, true));
        pipeline.addLast(HANDLER, new GreetingHandler(s));
    }
}
