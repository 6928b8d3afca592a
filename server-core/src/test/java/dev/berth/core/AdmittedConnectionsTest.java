package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProtocolModule;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Connections a module accepts itself on a UDP listener (as HTTP/3 does with QUIC) and admits through
 * {@code ServerContext.admit}: counted against the listener's limits and in its meters, and cut by a stop.
 */
class AdmittedConnectionsTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.1", 4433);

    @Test
    void admittedConnectionsCountAgainstTheUdpListenersLimitsAndAreCutByTheStop() throws Exception {
        AtomicReference<ConnectionContext> listener = new AtomicReference<>();
        Server server = start(listener);
        MeterRegistry meters = server.config().meterRegistry();
        EmbeddedChannel first = accepted(listener.get());
        assertSame(CLIENT, ConnectionContext.of(first).remoteAddress());
        assertTrue(ConnectionContext.of(first).tlsSession().isEmpty(), "the session comes from the module's supplier");
        assertTrue(listener.get().server().admit(first));
        assertEquals(1.0, meters.get("berth.connections.active").tag("listener", "q").gauge().value());

        EmbeddedChannel second = accepted(listener.get());
        assertFalse(listener.get().server().admit(second), "a second connection from the address is over its limit");
        assertEquals(1, server.refusedConnections("q"));
        assertEquals(1.0, meters.get("berth.connections.rejected").tag("listener", "q").tag("reason", "per_ip_limit")
                .counter().count());

        first.close();
        EmbeddedChannel third = accepted(listener.get());
        assertTrue(listener.get().server().admit(third), "a closed connection no longer counts");

        assertFalse(server.stop(Duration.ofMillis(300)), "the admitted connection is drained, and cut at the deadline");
        assertFalse(third.isOpen());
        assertFalse(listener.get().server().admit(accepted(listener.get())), "nothing is admitted once a stop began");
    }

    @Test
    void aChannelWhoseContextCoreDidNotMakeIsRefusedWithoutTouchingTheCounts() throws Exception {
        AtomicReference<ConnectionContext> listener = new AtomicReference<>();
        Server server = start(listener);
        try {
            EmbeddedChannel own = accepted(listener.get());
            ConnectionContext real = ConnectionContext.of(own);
            own.attr(ConnectionContext.KEY).set((ConnectionContext) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {ConnectionContext.class},
                    (proxy, method, args) -> method.invoke(real, args)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> listener.get().server().admit(own));
            assertTrue(e.getMessage().contains("ConnectionContext.accepted"), e.getMessage());
            assertTrue(listener.get().server().admit(accepted(listener.get())),
                    "the refused channel left no count behind: the address's one connection is still free");
        } finally {
            server.stop(Duration.ofMillis(100));
        }
    }

    /** A server with one UDP listener "q" (one connection per address) whose module admits what it accepts itself. */
    private static Server start(AtomicReference<ConnectionContext> listener) throws Exception {
        ProtocolModule module = new ProtocolModule() {
            @Override
            public String name() {
                return "quicish";
            }

            @Override
            public Set<Transport> transports() {
                return Set.of(Transport.UDP);
            }

            @Override
            public void initPipeline(ChannelPipeline pipeline, ConnectionContext connection) {
                listener.set(connection);
            }
        };
        return Server.builder().module(module)
                .listener(ListenerConfig.udp("q").protocol("quicish").host("127.0.0.1").port(0)
                        .limits(Limits.DEFAULTS.withMaxConnectionsPerIp(1)).build())
                .build().start();
    }

    private static EmbeddedChannel accepted(ConnectionContext listener) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.attr(ConnectionContext.KEY).set(ConnectionContext.accepted(listener, ch, CLIENT,
                new InetSocketAddress("127.0.0.1", 443), Optional::empty));
        return ch;
    }
}
