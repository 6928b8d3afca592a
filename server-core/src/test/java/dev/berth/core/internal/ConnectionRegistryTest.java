package dev.berth.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Limits;
import dev.berth.core.spi.ConnectionContext;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectionRegistryTest {
    private static final ListenerConfig LISTENER = ListenerConfig.tcp("t").host("127.0.0.1").port(0).build();

    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final ConnectionLimiter limiter = new ConnectionLimiter("t", Limits.DEFAULTS.withMaxConnectionsPerIp(2));

    private EmbeddedChannel connection(String client) {
        EmbeddedChannel ch = new EmbeddedChannel();
        DefaultConnectionContext c = new DefaultConnectionContext(LISTENER, ch, null,
                new InetSocketAddress(client, 1234), new InetSocketAddress("127.0.0.1", 80), Optional::empty);
        ch.attr(ConnectionContext.KEY).set(c);
        registry.add(c, limiter);
        return ch;
    }

    @Test
    void aConnectionLeavesTheRegistryAndItsLimitWhenItCloses() {
        EmbeddedChannel a = connection("192.0.2.1");
        EmbeddedChannel b = connection("192.0.2.1");
        EmbeddedChannel c = connection("192.0.2.2");
        assertTrue(limiter.admit(a));
        assertTrue(limiter.admit(b));
        assertTrue(limiter.admit(c));
        assertEquals(3, registry.size());
        assertEquals(Set.of(a, b, c), Set.copyOf(registry.snapshot()));

        b.close();
        assertEquals(2, registry.size());
        assertEquals(Set.of(a, c), Set.copyOf(registry.snapshot()));
        assertEquals(2, limiter.open());
        EmbeddedChannel again = connection("192.0.2.1");
        assertTrue(limiter.admit(again), "the closed connection's place under the per-address limit is free");
        assertFalse(limiter.admit(connection("192.0.2.1")), "and only its place");

        for (EmbeddedChannel ch : List.of(a, c, again)) {
            ch.close();
        }
        assertEquals(1, registry.size(), "the refused connection stays until it closes");
        assertEquals(0, limiter.open(), "a refused connection was never counted, so its close uncounts nothing");
    }

    @Test
    void theDrainEventReachesEveryActiveConnectionOnItsOwnLoop() {
        List<Object> seen = new ArrayList<>();
        EmbeddedChannel a = connection("192.0.2.1");
        EmbeddedChannel b = connection("192.0.2.2");
        for (EmbeddedChannel ch : List.of(a, b)) {
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    seen.add(ctx.channel());
                }
            });
        }
        registry.fireUserEvent("drain");
        assertTrue(seen.isEmpty(), "not on the caller's thread");
        a.runPendingTasks();
        b.runPendingTasks();
        assertEquals(2, seen.size());
        registry.closeAll(1000);
        assertEquals(0, registry.size());
        assertFalse(a.isOpen() || b.isOpen());
    }
}
