package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.spi.ProtocolService;
import dev.berth.core.spi.ServerContext;
import dev.berth.core.testing.LineClient;
import dev.berth.core.testing.TestModules;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What SIGHUP reaches in a running server: a listener's limits ({@link Server#updateLimits}) and a module's service. */
class ServerReconfigureTest {

    private static Server echo(Limits limits) {
        return Server.builder().module(TestModules.echo("echo")).shutdownTimeout(Duration.ofSeconds(2))
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).limits(limits).build()).build().start();
    }

    @Test
    void aNewPerAddressLimitReachesTheNextConnection() throws Exception {
        try (Server server = echo(Limits.DEFAULTS.withMaxConnectionsPerIp(1))) {
            InetSocketAddress a = server.localAddress("echo");
            try (LineClient first = new LineClient(a)) {
                assertEquals("one", first.send("one\r\n").readLine());
                assertTrue(new LineClient(a).closedByServer(), "over the limit of one per address");

                assertTrue(server.updateLimits("echo", Limits.DEFAULTS.withMaxConnectionsPerIp(2)));

                try (LineClient second = new LineClient(a)) {
                    assertEquals("two", second.send("two\r\n").readLine(), "the first connection counts towards the new limit");
                }
            }
        }
    }

    @Test
    void aNewIdleTimeoutReachesConnectionsAcceptedAfterIt() throws Exception {
        try (Server server = echo(Limits.DEFAULTS.withIdleTimeout(Duration.ofHours(1)))) {
            InetSocketAddress a = server.localAddress("echo");
            assertTrue(server.updateLimits("echo", Limits.DEFAULTS.withIdleTimeout(Duration.ofMillis(200))));
            try (LineClient idle = new LineClient(a)) {
                assertTrue(idle.closedByServer(), "closed after 200 ms idle, well within the 10 s read timeout");
            }
        }
    }

    @Test
    void limitsOfAListenerThatDoesNotRunAreNotChanged() {
        try (Server server = echo(Limits.DEFAULTS)) {
            assertFalse(server.updateLimits("nope", Limits.DEFAULTS));
        }
        Server stopped = echo(Limits.DEFAULTS);
        stopped.stop();
        assertFalse(stopped.updateLimits("echo", Limits.DEFAULTS));
    }

    @Test
    void newTlsSettingsReachTheNextHandshakeAndBadOnesChangeNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        dev.berth.core.tls.TlsConfig rsa = dev.berth.core.tls.TlsConfig.builder()
                .certificateChain(dev.berth.core.tls.TestPki.file("rsa-chain.pem"))
                .privateKey(dev.berth.core.tls.TestPki.file("rsa-pkcs1.key")).build();
        try (Server server = Server.builder().module(TestModules.echo("echo")).dataDirectory(dir)
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0)
                        .tlsMode(dev.berth.core.tls.TlsMode.IMPLICIT).tls(rsa).build())
                .listener(ListenerConfig.tcp("plain").protocol("echo").host("127.0.0.1").port(0).build())
                .build().start()) {
            InetSocketAddress a = server.localAddress("echo");
            dev.berth.core.tls.TlsConfig mismatched = rsa.toBuilder()
                    .privateKey(dev.berth.core.tls.TestPki.file("ec-pkcs8.key")).build();
            org.junit.jupiter.api.Assertions.assertThrows(BerthException.class, () -> server.updateTls(mismatched));
            assertTrue(subject(a).contains("rsa"), "bad material changes nothing");

            assertEquals(java.util.List.of("echo"), server.updateTls(rsa.toBuilder()
                    .certificateChain(dev.berth.core.tls.TestPki.file("ec-chain.pem"))
                    .privateKey(dev.berth.core.tls.TestPki.file("ec-pkcs8.key")).build()), "the plaintext listener stays so");
            assertTrue(subject(a).contains("ec"), "the next handshake gets the new certificate");
        }
    }

    private static String subject(InetSocketAddress a) {
        String out = dev.berth.core.tls.OpenSslClient.runUntil(a, "", "Verify return code").output;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("subject=.*CN ?= ?(\\w+)").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    /** A module whose service takes on new settings, and remembers the module it was given. */
    private record Reconfigurable(String name, AtomicReference<ProtocolModule> given) implements ProtocolModule {
        @Override
        public Set<Transport> transports() {
            return Set.of(Transport.TCP);
        }

        @Override
        public ProtocolService start(ServerContext server) {
            ProtocolService echo = TestModules.echo(name).start(server);
            return new ProtocolService() {
                @Override
                public void initPipeline(io.netty.channel.ChannelPipeline p, dev.berth.core.spi.ConnectionContext c) {
                    echo.initPipeline(p, c);
                }

                @Override
                public boolean reconfigure(ProtocolModule updated) {
                    given.set(updated);
                    return true;
                }
            };
        }
    }

    @Test
    void reconfigureHandsTheUpdatedModuleToTheRunningServiceOfTheSameName() {
        AtomicReference<ProtocolModule> given = new AtomicReference<>();
        Reconfigurable updated = new Reconfigurable("echo", new AtomicReference<>());
        Server server = Server.builder().module(new Reconfigurable("echo", given)).module(TestModules.echo("other"))
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).build())
                .listener(ListenerConfig.tcp("other").host("127.0.0.1").port(0).build()).build();
        assertFalse(server.reconfigure(updated), "not running yet");
        try (Server running = server.start()) {
            assertTrue(running.reconfigure(updated));
            assertSame(updated, given.get());
            assertFalse(running.reconfigure(TestModules.echo("other")), "a service that changes nothing live says so");
            assertFalse(running.reconfigure(new Reconfigurable("absent", new AtomicReference<>())));
        }
        given.set(null);
        assertFalse(server.reconfigure(updated), "stopped");
        assertNull(given.get());
    }
}
