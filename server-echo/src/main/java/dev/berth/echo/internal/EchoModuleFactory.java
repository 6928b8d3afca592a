package dev.berth.echo.internal;

import dev.berth.core.ListenerConfig;
import dev.berth.core.launch.ModuleFactory;
import dev.berth.core.launch.ModuleSettings;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.echo.EchoModule;
import java.util.List;

/** The echo protocol on the command line: its TCP and UDP listeners on 7007, no flags of its own. */
public final class EchoModuleFactory implements ModuleFactory {

    @Override
    public String name() {
        return EchoModule.NAME;
    }

    @Override
    public List<ListenerConfig> defaultListeners() {
        return List.of(
                ListenerConfig.tcp(EchoModule.NAME).port(EchoModule.DEFAULT_PORT).build(),
                ListenerConfig.udp(EchoModule.UDP_LISTENER).protocol(EchoModule.NAME).port(EchoModule.DEFAULT_PORT).build());
    }

    @Override
    public ProtocolModule create(ModuleSettings settings) {
        return new EchoModule();
    }
}
