package dev.berth.smtp.internal;

import dev.berth.core.ListenerConfig;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProxyTlv;
import dev.berth.core.spi.ServerContext;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * A connection from 192.0.2.7 to 192.0.2.1:25 for sessions on an {@code EmbeddedChannel}; with no
 * {@code pool} its server refuses to be reached, for tests that hold the session never needs one.
 */
public record FakeConnection(Channel channel, ListenerConfig listener, ExecutorService pool) implements ConnectionContext {

    @Override
    public ServerContext server() {
        if (pool == null) {
            throw new UnsupportedOperationException("a session does not reach for the server");
        }
        return new ServerContext() {
            @Override
            public Path dataDirectory() {
                return Path.of("target");
            }

            @Override
            public ExecutorService blockingExecutor() {
                return pool;
            }

            @Override
            public io.micrometer.core.instrument.MeterRegistry meterRegistry() {
                return new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            }
        };
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("192.0.2.7", 40000);
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress("192.0.2.1", 25);
    }

    @Override
    public boolean proxied() {
        return false;
    }

    @Override
    public List<ProxyTlv> proxyTlvs() {
        return List.of();
    }
}
