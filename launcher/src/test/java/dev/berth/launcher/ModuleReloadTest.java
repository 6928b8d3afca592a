package dev.berth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.Transport;
import dev.berth.core.launch.ModuleFactory;
import dev.berth.core.launch.ModuleOption;
import dev.berth.core.launch.ModuleSettings;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.spi.ProtocolService;
import dev.berth.core.spi.ServerContext;
import dev.berth.core.testing.LineClient;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGHUP's path into a module: a changed reloadable option reaches the running service; others need a restart. */
class ModuleReloadTest {
    @TempDir
    Path dir;

    private Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Greets each connection with {@code --banner-text}; {@code --banner-text} is reloadable, {@code --banner-size} is not. */
    private static final class BannerModule implements ProtocolModule, ModuleFactory {
        private final String text;

        BannerModule(String text) {
            this.text = text;
        }

        @Override
        public String name() {
            return "banner";
        }

        @Override
        public Set<Transport> transports() {
            return Set.of(Transport.TCP);
        }

        @Override
        public List<ListenerConfig> defaultListeners() {
            return List.of(ListenerConfig.tcp("banner").port(0).build());
        }

        @Override
        public List<ModuleOption> options() {
            return List.of(ModuleOption.of("banner-text", "TEXT", "hello", "The greeting.").reloadable(),
                    ModuleOption.of("banner-file", "FILE", null, "The greeting, from a file, after the text.").reloadable(),
                    ModuleOption.of("banner-size", "N", "1", "Not reloadable."));
        }

        @Override
        public ProtocolModule create(ModuleSettings s) {
            String fromFile = s.get("banner-file").map(f -> {
                try {
                    return " " + Files.readString(Path.of(f)).strip();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).orElse("");
            return new BannerModule(s.string("banner-text", "hello") + fromFile);
        }

        @Override
        public ProtocolService start(ServerContext server) {
            AtomicReference<String> current = new AtomicReference<>(text);
            return new ProtocolService() {
                @Override
                public void initPipeline(ChannelPipeline p, ConnectionContext c) {
                    p.addLast(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            ctx.writeAndFlush(Unpooled.copiedBuffer(current.get() + "\r\n", StandardCharsets.UTF_8));
                        }
                    });
                }

                @Override
                public boolean reconfigure(ProtocolModule updated) {
                    current.set(((BannerModule) updated).text);
                    return true;
                }
            };
        }
    }

    private EffectiveSettings settings(ConfigLayout layout, Map<String, String> given) {
        Map<String, String> values = new HashMap<>();
        layout.options().stream().filter(o -> o.defaultValue() != null).forEach(o -> values.put(o.name(), o.defaultValue()));
        values.put("host", "127.0.0.1");
        values.put("data-dir", dir.toString());
        values.put("admin-port", "0"); // not the default 9464, which another server on this machine may hold
        values.putAll(given);
        return new EffectiveSettings(layout, Optional.empty(), values, Map.of());
    }

    @Test
    void aChangedReloadableOptionReachesTheRunningModuleAndTheOthersNeedARestart() throws Exception {
        List<ModuleFactory> found = List.of(new BannerModule("unused"));
        ConfigLayout layout = ConfigLayout.of(Launcher.globalOptions(), found);
        EffectiveSettings running = settings(layout, Map.of());
        server = Launcher.build(found, running.settings()).start();
        try (LineClient c = new LineClient(server.localAddress("banner"))) {
            assertEquals("hello", c.readLine());
        }
        EffectiveSettings next = settings(layout, Map.of("banner-text", "welcome", "banner-size", "2"));
        ConfigReload reload = new ConfigReload(server, running, () -> next, s -> Launcher.build(found, s));

        assertEquals("reloaded the flags and environment: applied banner.text; needs restart: banner.size", reload.reload());

        try (LineClient c = new LineClient(server.localAddress("banner"))) {
            assertEquals("welcome", c.readLine());
        }
    }

    @Test
    void aReloadableFileEditedUnderTheSameNameIsReadAgainOnEveryReload() throws Exception {
        Path greeting = Files.writeString(dir.resolve("greeting.txt"), "from the file");
        List<ModuleFactory> found = List.of(new BannerModule("unused"));
        ConfigLayout layout = ConfigLayout.of(Launcher.globalOptions(), found);
        EffectiveSettings running = settings(layout, Map.of("banner-file", greeting.toString()));
        server = Launcher.build(found, running.settings()).start();
        try (LineClient c = new LineClient(server.localAddress("banner"))) {
            assertEquals("hello from the file", c.readLine());
        }
        Files.writeString(greeting, "edited in place");
        ConfigReload reload = new ConfigReload(server, running, () -> running, s -> Launcher.build(found, s));

        assertEquals("reloaded the flags and environment: applied banner.file (re-read)", reload.reload());

        try (LineClient c = new LineClient(server.localAddress("banner"))) {
            assertEquals("hello edited in place", c.readLine());
        }
    }
}
