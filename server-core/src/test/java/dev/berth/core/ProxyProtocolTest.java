package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.testing.LineClient;
import dev.berth.core.testing.TestModules;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyProtocolTest {

    private static Server whoAmI(ProxyProtocol mode, String trusted) {
        return Server.builder().module(TestModules.whoAmI()).shutdownTimeout(Duration.ofSeconds(1))
                .listener(ListenerConfig.tcp("whoami").host("127.0.0.1").port(0)
                        .proxyProtocol(ProxyProtocolConfig.of(mode, List.of(Cidr.parse(trusted)))).build())
                .build().start();
    }

    private static byte[] v2Header(String source, int port) {
        EmbeddedChannel enc = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        HAProxyTLV authority = new HAProxyTLV(HAProxyTLV.Type.PP2_TYPE_AUTHORITY,
                Unpooled.copiedBuffer("example.com", StandardCharsets.US_ASCII));
        enc.writeOutbound(new HAProxyMessage(HAProxyProtocolVersion.V2, HAProxyCommand.PROXY,
                HAProxyProxiedProtocol.TCP4, source, "198.51.100.1", port, 443, List.of(authority)));
        ByteBuf out = enc.readOutbound();
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        enc.finishAndReleaseAll();
        return bytes;
    }

    @Test
    void aV1HeaderFromATrustedSourceGivesTheClientAddressToHandlers() throws Exception {
        try (Server server = whoAmI(ProxyProtocol.ON, "127.0.0.1/32");
             LineClient c = new LineClient(server.localAddress("whoami"))) {
            c.send("PROXY TCP4 192.0.2.7 198.51.100.1 51234 443\r\nwho\r\n");
            assertEquals("192.0.2.7 51234 proxied=true tlvs=0", c.readLine());
        }
    }

    @Test
    void aV2HeaderFromATrustedSourceGivesTheClientAddressAndTlvs() throws Exception {
        try (Server server = whoAmI(ProxyProtocol.ON, "127.0.0.0/8");
             LineClient c = new LineClient(server.localAddress("whoami"))) {
            c.send(v2Header("203.0.113.9", 40000)).send("who\r\n");
            assertEquals("203.0.113.9 40000 proxied=true tlvs=1", c.readLine());
        }
    }

    @Test
    void aHeaderSplitAcrossWritesIsStillRead() throws Exception {
        try (Server server = whoAmI(ProxyProtocol.ON, "127.0.0.1");
             LineClient c = new LineClient(server.localAddress("whoami"))) {
            c.send("PRO");
            Thread.sleep(50);
            c.send("XY TCP4 192.0.2.8 198.51.100.1 1000 443\r\nwho\r\n");
            assertEquals("192.0.2.8 1000 proxied=true tlvs=0", c.readLine());
        }
    }

    @Test
    void anUntrustedSourceIsClosedWhenTheHeaderIsRequired() throws Exception {
        try (Server server = whoAmI(ProxyProtocol.ON, "10.0.0.0/8");
             LineClient c = new LineClient(server.localAddress("whoami"))) {
            c.send("PROXY TCP4 192.0.2.7 198.51.100.1 51234 443\r\nwho\r\n");
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void anUntrustedSourceThatSendsAV2HeaderIsClosedInAutoMode() throws Exception {
        try (Server server = whoAmI(ProxyProtocol.AUTO, "10.0.0.0/8");
             LineClient c = new LineClient(server.localAddress("whoami"))) {
            c.send(v2Header("203.0.113.9", 40000)).send("who\r\n");
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void anUntrustedSourceWithoutAHeaderIsServedAsItselfInAutoMode() throws Exception {
        try (Server server = whoAmI(ProxyProtocol.AUTO, "10.0.0.0/8");
             LineClient c = new LineClient(server.localAddress("whoami"))) {
            String line = c.send("who\r\n").readLine();
            assertTrue(line.startsWith("127.0.0.1 ") && line.endsWith("proxied=false tlvs=0"), line);
        }
    }

    @Test
    void aTrustedSourceWithoutAHeaderIsServedAsItselfInAutoMode() throws Exception {
        try (Server server = whoAmI(ProxyProtocol.AUTO, "127.0.0.1/32");
             LineClient c = new LineClient(server.localAddress("whoami"))) {
            String line = c.send("who\r\n").readLine();
            assertTrue(line.startsWith("127.0.0.1 ") && line.endsWith("proxied=false tlvs=0"), line);
        }
    }

    @Test
    void aTrustedSourceWithoutAHeaderIsClosedWhenTheHeaderIsRequired() throws Exception {
        try (Server server = whoAmI(ProxyProtocol.ON, "127.0.0.1/32");
             LineClient c = new LineClient(server.localAddress("whoami"))) {
            c.send("who\r\n");
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aMalformedHeaderClosesTheConnection() throws Exception {
        try (Server server = whoAmI(ProxyProtocol.ON, "127.0.0.1/32");
             LineClient c = new LineClient(server.localAddress("whoami"))) {
            c.send("PROXY TCP4 not-an-address 198.51.100.1 1 2\r\nwho\r\n");
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void perAddressLimitsCountTheAddressFromTheHeader() throws Exception {
        try (Server server = Server.builder().module(TestModules.whoAmI()).shutdownTimeout(Duration.ofSeconds(1))
                .listener(ListenerConfig.tcp("whoami").host("127.0.0.1").port(0)
                        .limits(Limits.DEFAULTS.withMaxConnectionsPerIp(1))
                        .proxyProtocol(ProxyProtocolConfig.of(ProxyProtocol.ON, List.of(Cidr.parse("127.0.0.1")))).build())
                .build().start();
             LineClient a = new LineClient(server.localAddress("whoami"));
             LineClient b = new LineClient(server.localAddress("whoami"));
             LineClient a2 = new LineClient(server.localAddress("whoami"))) {
            a.send("PROXY TCP4 192.0.2.1 198.51.100.1 1000 443\r\nwho\r\n");
            b.send("PROXY TCP4 192.0.2.2 198.51.100.1 1000 443\r\nwho\r\n");
            assertEquals("192.0.2.1 1000 proxied=true tlvs=0", a.readLine());
            assertEquals("192.0.2.2 1000 proxied=true tlvs=0", b.readLine(), "another client behind the same proxy is served");
            a2.send("PROXY TCP4 192.0.2.1 198.51.100.1 1001 443\r\nwho\r\n");
            assertTrue(a2.closedByServer(), "a second connection from 192.0.2.1 is over its limit");
        }
    }
}
