package dev.berth.http.internal;

import dev.berth.core.ListenerConfig;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProxyTlv;
import dev.berth.core.spi.ServerContext;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;

/** A plaintext connection's context from 127.0.0.1, for handlers under test on an EmbeddedChannel. */
final class TestConnections {
    private TestConnections() {
    }

    static ConnectionContext plaintext(Channel channel) {
        ListenerConfig listener = ListenerConfig.tcp("http").protocol("http").build();
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 1);
        return new ConnectionContext() {
            public ListenerConfig listener() {
                return listener;
            }

            public Channel channel() {
                return channel;
            }

            public ServerContext server() {
                return null;
            }

            public InetSocketAddress remoteAddress() {
                return loopback;
            }

            public InetSocketAddress localAddress() {
                return loopback;
            }

            public boolean proxied() {
                return false;
            }

            public List<ProxyTlv> proxyTlvs() {
                return List.of();
            }
        };
    }
}
