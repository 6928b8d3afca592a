package dev.berth.core.metrics;

import static dev.berth.core.metrics.Scrapes.awaitSum;
import static dev.berth.core.metrics.Scrapes.scrape;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.core.AdminConfig;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.testing.TestCertificates;
import dev.berth.core.testing.TestModules;
import dev.berth.core.testing.TrustAll;
import dev.berth.core.tls.SniEntry;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsMode;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tags have bounded values: client addresses and the host names clients send never become series. */
class CardinalityTest {
    @TempDir
    Path dir;

    @Test
    void tenThousandConnectionsFromDistinctAddressesAndManySniNamesAddNoSeries() throws Exception {
        TestCertificates main = TestCertificates.create(dir.resolve("main"));
        TestCertificates named = TestCertificates.create(dir.resolve("named"), "app.example.test");
        TlsConfig tls = TlsConfig.builder().certificateChain(main.chainFile()).privateKey(main.keyFile())
                .sniEntries(List.of(SniEntry.of("app.example.test", named.chainFile(), named.keyFile()))).build();
        try (Server s = Server.builder().dataDirectory(dir.resolve("data")).admin(AdminConfig.builder().port(0).build())
                .module(TestModules.echo("echo"))
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).build())
                .listener(ListenerConfig.tcp("tls").protocol("echo").host("127.0.0.1").port(0)
                        .tlsMode(TlsMode.IMPLICIT).tls(tls).build())
                .build().start()) {
            InetSocketAddress plain = s.localAddress("echo");
            InetSocketAddress secure = s.localAddress("tls");
            // Every tag combination this traffic can reach, once, before the count is taken.
            connectFrom("127.0.0.1", plain);
            handshake(secure, "app.example.test");
            handshake(secure, "localhost");
            awaitSum(s, 1.0, "berth_connections_closed_total", "listener", "echo");
            awaitSum(s, 2.0, "berth_connections_closed_total", "listener", "tls");
            long before = scrape(s).seriesCount("berth_");

            for (int i = 0; i < 10_000; i++) {
                connectFrom("127.0." + (1 + i / 250) + "." + (1 + i % 250), plain);
            }
            for (int i = 0; i < 300; i++) {
                handshake(secure, "host-" + i + ".example.test");
            }
            assertEquals(10_001.0, awaitSum(s, 10_001.0, "berth_connections_closed_total", "listener", "echo"));
            assertEquals(302.0, awaitSum(s, 302.0, "berth_connections_closed_total", "listener", "tls"));
            assertEquals(301.0, scrape(s).sum("berth_tls_handshakes_total", "listener", "tls", "sni", "default"),
                    "every name without an SNI entry of its own is counted as default");
            assertEquals(before, scrape(s).seriesCount("berth_"), "no series was added");
        }
    }

    private static void connectFrom(String source, InetSocketAddress server) throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(server, 10_000);
        }
    }

    /**
     * A fresh client context each time: the JDK's client would otherwise resume its last session and send
     * that session's SNI name again. What the client is served is not this test's subject, so it trusts all.
     */
    private static void handshake(InetSocketAddress server, String sni) throws Exception {
        SSLContext context = TrustAll.context();
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(server, 10_000);
            SSLParameters p = socket.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(sni)));
            p.setEndpointIdentificationAlgorithm(null); // names without a certificate of their own get the default one
            socket.setSSLParameters(p);
            socket.startHandshake();
        }
    }
}
