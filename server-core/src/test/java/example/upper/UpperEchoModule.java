package example.upper;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Transport;
import dev.berth.core.launch.ModuleFactory;
import dev.berth.core.launch.ModuleSettings;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProtocolModule;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A protocol that answers every line in upper case: the README's example of a Berth module. */
public final class UpperEchoModule implements ProtocolModule, ModuleFactory {
    @Override public String name() { return "upper"; }

    @Override public Set<Transport> transports() { return Set.of(Transport.TCP); }

    @Override public void initPipeline(ChannelPipeline pipeline, ConnectionContext connection) {
        pipeline.addLast(new LineBasedFrameDecoder(1024), new StringDecoder(StandardCharsets.UTF_8),
                new StringEncoder(StandardCharsets.UTF_8), new UpperHandler());
    }

    // For the launcher: the listener it serves by default, and the module its flags make (no flags of its own).
    @Override public List<ListenerConfig> defaultListeners() {
        return List.of(ListenerConfig.tcp("upper").port(7070).build());
    }

    @Override public ProtocolModule create(ModuleSettings settings) { return this; }

    static final class UpperHandler extends SimpleChannelInboundHandler<String> {
        @Override protected void channelRead0(ChannelHandlerContext ctx, String line) {
            ctx.writeAndFlush(line.toUpperCase(Locale.ROOT) + "\r\n");
        }
    }
}
