package dev.berth.core.metrics;

import static dev.berth.core.metrics.Scrapes.awaitSum;
import static dev.berth.core.metrics.Scrapes.scrape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.AdminConfig;
import dev.berth.core.Cidr;
import dev.berth.core.Limits;
import dev.berth.core.ListenerConfig;
import dev.berth.core.ProxyProtocol;
import dev.berth.core.ProxyProtocolConfig;
import dev.berth.core.Server;
import dev.berth.core.testing.LineClient;
import dev.berth.core.testing.PrometheusText;
import dev.berth.core.testing.TestCertificates;
import dev.berth.core.testing.TestModules;
import dev.berth.core.tls.LineModule;
import dev.berth.core.tls.SniEntry;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsMode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoreMetricsTest {
    @TempDir
    Path dir;

    private Server start(ListenerConfig... listeners) {
        var b = Server.builder().dataDirectory(dir.resolve("data")).admin(AdminConfig.builder().port(0).build())
                .module(TestModules.echo("echo")).shutdownTimeout(Duration.ofSeconds(1));
        for (ListenerConfig l : listeners) {
            b.listener(l);
        }
        return b.build().start();
    }

    private static ListenerConfig.Builder echo(String name) {
        return ListenerConfig.tcp(name).protocol("echo").host("127.0.0.1").port(0);
    }

    @Test
    void connectionsOpenedClosedAndActiveFollowRealConnections() throws Exception {
        try (Server s = start(echo("echo").build())) {
            List<LineClient> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                LineClient c = new LineClient(s.localAddress("echo"));
                assertEquals("hi", c.send("hi\n").readLine());
                clients.add(c);
            }
            PrometheusText m = scrape(s);
            assertEquals(3.0, m.sum("berth_connections_opened_total", "listener", "echo", "protocol", "echo"));
            assertEquals(3.0, m.sum("berth_connections_active", "listener", "echo", "protocol", "echo"));
            assertEquals(0.0, m.sum("berth_connections_closed_total", "listener", "echo"));
            for (LineClient c : clients) {
                c.close();
            }
            assertEquals(3.0, awaitSum(s, 3.0, "berth_connections_closed_total", "listener", "echo"));
            assertEquals(0.0, scrape(s).sum("berth_connections_active", "listener", "echo"));
        }
    }

    @Test
    void connectionsOverTheTotalAndThePerAddressLimitsAreCountedByReason() throws Exception {
        try (Server s = start(echo("total").limits(Limits.DEFAULTS.withMaxConnections(1)).build(),
                echo("per-ip").limits(Limits.DEFAULTS.withMaxConnectionsPerIp(1)).build());
             LineClient a = new LineClient(s.localAddress("total"));
             LineClient b = new LineClient(s.localAddress("per-ip"))) {
            assertEquals("a", a.send("a\n").readLine());
            assertEquals("b", b.send("b\n").readLine());
            for (String listener : List.of("total", "per-ip", "per-ip")) {
                try (LineClient over = new LineClient(s.localAddress(listener))) {
                    assertTrue(over.closedByServer());
                }
            }
            PrometheusText m = scrape(s);
            assertEquals(1.0, m.sum("berth_connections_rejected_total", "listener", "total", "reason", "total_limit"));
            assertEquals(0.0, m.sum("berth_connections_rejected_total", "listener", "total", "reason", "per_ip_limit"));
            assertEquals(2.0, m.sum("berth_connections_rejected_total", "listener", "per-ip", "reason", "per_ip_limit"));
            assertEquals(0.0, m.sum("berth_connections_rejected_total", "listener", "per-ip", "reason", "total_limit"));
            assertEquals(3.0, m.sum("berth_connections_opened_total", "listener", "per-ip"),
                    "the two rejected connections were accepted first");
        }
    }

    @Test
    void aConnectionFromAnUntrustedProxySourceIsCountedAsRejected() throws Exception {
        try (Server s = start(echo("proxied").proxyProtocol(
                ProxyProtocolConfig.of(ProxyProtocol.ON, List.of(Cidr.parse("192.0.2.0/24")))).build());
             LineClient c = new LineClient(s.localAddress("proxied"))) {
            assertTrue(c.closedByServer(), "127.0.0.1 is not a trusted PROXY source");
            assertEquals(1.0, awaitSum(s, 1.0, "berth_connections_rejected_total", "listener", "proxied",
                    "reason", "untrusted_proxy"));
        }
    }

    @Test
    void anOversizedDatagramIsCountedAsDropped() throws Exception {
        try (Server s = start(ListenerConfig.udp("udp").protocol("echo").host("127.0.0.1").port(0)
                .limits(Limits.DEFAULTS.withMaxDatagramSize(100)).build())) {
            int port = s.localAddress("udp").getPort();
            socatDatagram(port, "x".repeat(200));
            socatDatagram(port, "y".repeat(50));
            assertEquals(1.0, awaitSum(s, 1.0, "berth_datagrams_dropped_total", "listener", "udp", "reason", "oversize"));
        }
    }

    private static void socatDatagram(int port, String payload) throws Exception {
        Process p = new ProcessBuilder("socat", "-u", "STDIN", "UDP-SENDTO:127.0.0.1:" + port)
                .redirectErrorStream(true).start();
        p.getOutputStream().write(payload.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "socat sent its datagram");
    }

    @Test
    void tlsHandshakesAreCountedByResultVersionCipherAndSniBucketAndTimed() throws Exception {
        TestCertificates main = TestCertificates.create(dir.resolve("main"));
        TestCertificates mail = TestCertificates.create(dir.resolve("mail"), "mail.example.test");
        TlsConfig tls = TlsConfig.builder().certificateChain(main.chainFile()).privateKey(main.keyFile())
                .sniEntries(List.of(SniEntry.of("mail.example.test", mail.chainFile(), mail.keyFile()))).build();
        try (Server s = start(echo("tls").tlsMode(TlsMode.IMPLICIT).tls(tls).build())) {
            InetSocketAddress a = s.localAddress("tls");
            assertTrue(openssl(a, "-servername", "mail.example.test", "-tls1_3").contains("TLSv1.3"));
            assertTrue(openssl(a, "-servername", "mail.example.test", "-tls1_3").contains("TLSv1.3"));
            assertTrue(openssl(a, "-servername", "unknown.example.test", "-tls1_2").contains("TLSv1.2"));
            openssl(a, "-tls1_2", "-cipher", "AES128-SHA"); // a suite the intermediate policy does not enable
            PrometheusText m = awaitTotal(s, 4.0);
            assertEquals(2.0, m.sum("berth_tls_handshakes_total", "listener", "tls", "result", "success",
                    "tls_protocol_version", "1.3", "sni", "mail.example.test"));
            assertEquals(1.0, m.sum("berth_tls_handshakes_total", "listener", "tls", "result", "success",
                    "tls_protocol_version", "1.2", "sni", "default"));
            assertEquals(1.0, m.sum("berth_tls_handshakes_total", "listener", "tls", "result", "failure",
                    "tls_protocol_version", "none", "tls_cipher", "none"));
            assertTrue(m.samples("berth_tls_handshakes_total", "tls_protocol_version", "1.3").stream()
                    .allMatch(x -> x.labels().get("tls_cipher").startsWith("TLS_AES_")
                            || x.labels().get("tls_cipher").startsWith("TLS_CHACHA20_")), m.all().toString());
            assertEquals(3.0, m.sum("berth_tls_handshake_duration_seconds_count", "listener", "tls", "result", "success"));
            assertEquals(3.0, m.sum("berth_tls_handshake_duration_seconds_bucket", "listener", "tls", "result", "success",
                    "le", "+Inf"), "the duration is a histogram");
        }
    }

    private static PrometheusText awaitTotal(Server s, double handshakes) throws InterruptedException {
        awaitSum(s, handshakes, "berth_tls_handshakes_total", "listener", "tls");
        return scrape(s);
    }

    /** One handshake with the real openssl client; stdin is empty, so s_client ends after it. */
    static String openssl(InetSocketAddress a, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + a.getPort(), "-brief"));
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void certificateExpiryDaysFollowTheMaterialInUseAndReloadsAreCountedByResult() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
        Path chain = Files.copy(certs.chainFile(), dir.resolve("chain.pem"));
        Path key = Files.copy(certs.keyFile(), dir.resolve("key.pem"));
        TlsConfig tls = TlsConfig.builder().certificateChain(chain).privateKey(key).reloadInterval(Duration.ZERO).build();
        try (Server s = start(echo("tls").tlsMode(TlsMode.IMPLICIT).tls(tls).build())) {
            double days = scrape(s).sum("berth_tls_certificate_expiry_days", "listener", "tls", "sni", "default");
            assertTrue(days > 29.9 && days <= 30.0, "the test certificate has 30 days: " + days);

            Path five = dir.resolve("five");
            Files.createDirectories(five);
            run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "5", "-subj", "/CN=localhost", "-keyout", five.resolve("key.pem").toString(),
                    "-out", five.resolve("chain.pem").toString());
            Files.copy(five.resolve("key.pem"), key, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(five.resolve("chain.pem"), chain, StandardCopyOption.REPLACE_EXISTING);
            assertTrue(s.reloadTls().get(0).reloaded());
            PrometheusText m = scrape(s);
            days = m.sum("berth_tls_certificate_expiry_days", "listener", "tls", "sni", "default");
            assertTrue(days > 4.9 && days <= 5.0, "the gauge reads the reloaded certificate: " + days);
            assertEquals(1.0, m.sum("berth_tls_reloads_total", "result", "success"));

            Files.writeString(chain, "not a certificate\n");
            assertTrue(!s.reloadTls().get(0).reloaded());
            m = scrape(s);
            assertEquals(1.0, m.sum("berth_tls_reloads_total", "result", "failure"));
            days = m.sum("berth_tls_certificate_expiry_days", "listener", "tls", "sni", "default");
            assertTrue(days > 4.9 && days <= 5.0, "a failed reload keeps the previous material: " + days);
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    @Test
    void theServerJvmAndNettyMetersAreThere() {
        try (Server s = start(echo("echo").build())) {
            PrometheusText m = scrape(s);
            assertEquals(0.0, m.sum("berth_server_draining"));
            assertEquals(1, m.samples("berth_blocking_active").size());
            assertEquals(1, m.samples("berth_blocking_queued").size());
            assertTrue(m.sum("jvm_memory_used_bytes", "area", "heap") > 0);
            assertTrue(m.sum("jvm_threads_live_threads") > 0);
            assertTrue(m.sum("process_uptime_seconds") > 0);
            assertTrue(!m.samples("jvm_classes_loaded_classes").isEmpty());
            assertTrue(!m.samples("system_cpu_count").isEmpty());
            assertEquals(1, m.samples("netty_allocator_memory_used_bytes", "memory_type", "direct").size());
            assertEquals(1, m.samples("netty_direct_memory_used_bytes").size());
        }
    }

    @Test
    void aSecondServerInTheSameRegistryShowsItsOwnGaugesNotTheStoppedOnes() throws Exception {
        SimpleMeterRegistry shared = new SimpleMeterRegistry();
        Server first = Server.builder().dataDirectory(dir.resolve("data")).meterRegistry(shared)
                .module(TestModules.echo("echo")).shutdownTimeout(Duration.ofMillis(200))
                .listener(echo("echo").build()).build().start();
        LineClient held = new LineClient(first.localAddress("echo"));
        assertEquals("x", held.send("x\n").readLine());
        assertEquals(1.0, shared.get("berth.connections.active").gauge().value());
        first.stop();
        held.close();
        try (Server second = Server.builder().dataDirectory(dir.resolve("data")).meterRegistry(shared)
                .module(TestModules.echo("echo")).listener(echo("echo").build()).build().start()) {
            assertEquals(0.0, shared.get("berth.connections.active").gauge().value());
            assertEquals(0.0, shared.get("berth.server.draining").gauge().value(), "the stopped server drained, not this one");
        }
    }

    @Test
    void aStartTlsHandshakeIsCountedLikeAnImplicitOne() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
        LineModule line = new LineModule();
        try (Server s = Server.builder().dataDirectory(dir.resolve("data")).admin(AdminConfig.builder().port(0).build())
                .module(line).listener(ListenerConfig.tcp("line").protocol("line").host("127.0.0.1").port(0)
                        .tlsMode(TlsMode.STARTTLS).tls(certs.tlsConfig()).build()).build().start();
             java.net.Socket plain = new java.net.Socket("127.0.0.1", s.localAddress("line").getPort())) {
            plain.getOutputStream().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    plain.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("READY", in.readLine());
            try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) certs.clientContext().getSocketFactory()
                    .createSocket(plain, "localhost", plain.getPort(), false)) {
                tls.startHandshake();
                assertEquals(0.0, scrape(s).sum("berth_connections_rejected_total"));
                assertEquals(1.0, awaitSum(s, 1.0, "berth_tls_handshakes_total", "listener", "line", "result", "success",
                        "sni", "default", "tls_protocol_version", tls.getSession().getProtocol().substring(4)));
                assertEquals(1.0, scrape(s).sum("berth_tls_handshake_duration_seconds_count", "listener", "line"));
            }
        }
    }
}
