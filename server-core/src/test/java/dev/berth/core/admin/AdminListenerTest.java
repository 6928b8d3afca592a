package dev.berth.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.core.AdminConfig;
import dev.berth.core.BerthException;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.testing.Curl;
import dev.berth.core.testing.LineClient;
import dev.berth.core.testing.PrometheusText;
import dev.berth.core.testing.TestCertificates;
import dev.berth.core.testing.TestModules;
import dev.berth.core.tls.Secret;
import dev.berth.core.tls.TlsMode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminListenerTest {
    @TempDir
    Path dir;

    private Server start(AdminConfig admin) {
        return Server.builder().dataDirectory(dir.resolve("data")).admin(admin)
                .module(TestModules.echo("echo"))
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).build())
                .build().start();
    }

    private static String url(Server s, String path) {
        InetSocketAddress a = s.localAddress(AdminConfig.NAME);
        return "http://127.0.0.1:" + a.getPort() + path;
    }

    @Test
    void metricsAreServedInThePrometheusTextFormatThatPromtoolAccepts() throws Exception {
        try (Server s = start(AdminConfig.builder().port(0).build())) {
            try (LineClient c = new LineClient(s.localAddress("echo"))) {
                assertEquals("x", c.send("x\n").readLine());
            }
            Curl.Response r = Curl.run(url(s, "/metrics"));
            assertEquals(200, r.status());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.header("Content-Type"));
            PrometheusText m = PrometheusText.parse(r.body());
            assertEquals(1.0, m.sum("berth_connections_opened_total", "listener", "echo", "protocol", "echo"));
            assumeTrue(PrometheusText.promtoolPresent(), "promtool (Debian package prometheus) is not installed here");
            PrometheusText.Result check = PrometheusText.promtoolCheck(r.body());
            assertEquals(List.of(), check.berthLintProblems(), "promtool parses the scrape, and lints Berth's names clean");
        }
    }

    @Test
    void openMetricsIsServedWhenTheAcceptHeaderAsksForIt() {
        try (Server s = start(AdminConfig.builder().port(0).build())) {
            Curl.Response r = Curl.run(url(s, "/metrics"), "-H",
                    "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
            assertEquals(200, r.status());
            assertTrue(r.header("Content-Type").startsWith("application/openmetrics-text; version=1.0.0"),
                    r.header("Content-Type"));
            assertTrue(r.body().endsWith("# EOF\n"), "an OpenMetrics exposition ends with # EOF");
        }
    }

    @Test
    void healthzIsOkAndReadyzIsOkWhileEveryListenerIsBound() {
        try (Server s = start(AdminConfig.builder().port(0).build())) {
            Curl.Response health = Curl.run(url(s, "/healthz"));
            assertEquals(200, health.status());
            assertEquals("ok\n", health.body());
            assertEquals(200, Curl.run(url(s, "/readyz")).status());
        }
    }

    @Test
    void otherPathsAreNotFoundAndOtherMethodsAreNotAllowed() {
        try (Server s = start(AdminConfig.builder().port(0).build())) {
            assertEquals(404, Curl.run(url(s, "/metrics/extra")).status());
            assertEquals(404, Curl.run(url(s, "/")).status());
            Curl.Response post = Curl.run(url(s, "/metrics"), "-X", "POST", "-d", "x=1");
            assertEquals(405, post.status());
            assertEquals("GET, HEAD", post.header("Allow"));
            assertEquals(405, Curl.run(url(s, "/readyz"), "-X", "DELETE").status());
        }
    }

    @Test
    void headAnswersWithTheHeadersOfGetAndNoBody() {
        try (Server s = start(AdminConfig.builder().port(0).build())) {
            Curl.Response r = Curl.run(url(s, "/healthz"), "-I");
            assertEquals(200, r.status());
            assertEquals("3", r.header("Content-Length"));
            assertEquals("", r.body());
        }
    }

    @Test
    void aRequestWithHeadersOverTheLimitIsRefusedWith431() {
        try (Server s = start(AdminConfig.builder().port(0).build())) {
            Curl.Response r = Curl.run(url(s, "/healthz"), "-H", "X-Big: " + "a".repeat(10_000));
            assertEquals(431, r.status());
        }
    }

    @Test
    void withATokenEveryEndpointButHealthzNeedsTheBearerToken() {
        try (Server s = start(AdminConfig.builder().port(0).bearerToken(Secret.of("t0ken-42")).build())) {
            for (String path : new String[] {"/metrics", "/readyz", "/info"}) {
                Curl.Response none = Curl.run(url(s, path));
                assertEquals(401, none.status(), path);
                assertEquals("Bearer realm=\"berth-admin\"", none.header("WWW-Authenticate"));
                assertEquals(401, Curl.run(url(s, path), "-H", "Authorization: Bearer t0ken-41").status(), path);
                assertEquals(401, Curl.run(url(s, path), "-H", "Authorization: Bearer t0ken-42x").status(), path);
                assertEquals(200, Curl.run(url(s, path), "-H", "Authorization: Bearer t0ken-42").status(), path);
            }
            assertEquals(200, Curl.run(url(s, "/healthz")).status(), "a liveness probe needs no secret");
        }
    }

    @Test
    void aNonLoopbackAddressIsRefusedWithoutBothTlsAndAToken() {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
        BerthException none = assertThrows(BerthException.class,
                () -> AdminConfig.builder().host("0.0.0.0").build());
        assertEquals("admin.host", none.setting().orElseThrow());
        assertTrue(none.getMessage().contains("missing: TLS and the token"), none.getMessage());
        BerthException tokenOnly = assertThrows(BerthException.class,
                () -> AdminConfig.builder().host("0.0.0.0").bearerToken(Secret.of("t")).build());
        assertTrue(tokenOnly.getMessage().contains("missing: TLS"), tokenOnly.getMessage());
        BerthException tlsOnly = assertThrows(BerthException.class,
                () -> AdminConfig.builder().host("0.0.0.0").tls(certs.tlsConfig()).build());
        assertTrue(tlsOnly.getMessage().contains("missing: the token"), tlsOnly.getMessage());
        AdminConfig both = AdminConfig.builder().host("0.0.0.0").tls(certs.tlsConfig()).bearerToken(Secret.of("t")).build();
        assertTrue(both.enabled());
        assertFalse(AdminConfig.builder().host("0.0.0.0").enabled(false).build().enabled(),
                "a disabled admin listener binds nowhere, so it needs neither");
    }

    @Test
    void overTlsTheAdminListenerServesHttpsThatCurlVerifies() {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
        try (Server s = start(AdminConfig.builder().port(0).tls(certs.tlsConfig()).bearerToken(Secret.of("tok")).build())) {
            int port = s.localAddress(AdminConfig.NAME).getPort();
            Curl.Response r = Curl.run("https://localhost:" + port + "/readyz", "--cacert", certs.caFile().toString(),
                    "-H", "Authorization: Bearer tok");
            assertEquals(200, r.status(), r.error());
            assertEquals(0, Curl.run("http://127.0.0.1:" + port + "/readyz").status(), "plaintext gets no HTTP answer");
        }
    }

    @Test
    void infoListsEachListenerWithItsRealAddressAndTheCertificatesItServes() {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
        try (Server s = Server.builder().dataDirectory(dir.resolve("data")).admin(AdminConfig.builder().port(0).build())
                .module(TestModules.echo("echo"))
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).build())
                .listener(ListenerConfig.tcp("echo-tls").protocol("echo").host("127.0.0.1").port(0)
                        .tlsMode(TlsMode.IMPLICIT).tls(certs.tlsConfig()).build())
                .build().start()) {
            Curl.Response r = Curl.run(url(s, "/info"));
            assertEquals(200, r.status());
            assertEquals("application/json", r.header("Content-Type"));
            String json = r.body().replaceAll("\\s+", " ");
            assertTrue(json.contains("\"name\": \"echo\", \"transport\": \"tcp\", \"host\": \"127.0.0.1\", \"port\": "
                    + s.localAddress("echo").getPort() + ", \"protocol\": \"echo\", \"tls\": \"none\", \"certificates\": []"),
                    json);
            assertTrue(json.contains("\"port\": " + s.localAddress("echo-tls").getPort()
                    + ", \"protocol\": \"echo\", \"tls\": \"implicit\", \"certificates\": [ {\"sni\": \"default\", "
                    + "\"subject\": \"CN=localhost\", \"issuer\": \"CN=Berth test CA\""), json);
            assertTrue(json.matches(".*\"daysLeft\": (29|30)}.*"), json);
            assertTrue(json.contains("\"version\": "), json);
        }
    }

    @Test
    void theReadyFileNamesTheAdminListenerWithItsRealPort() throws Exception {
        Path ready = dir.resolve("ready.json");
        try (Server s = Server.builder().dataDirectory(dir.resolve("data")).admin(AdminConfig.builder().port(0).build())
                .readyFile(ready).module(TestModules.echo("echo"))
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).build()).build().start()) {
            String json = Files.readString(ready);
            assertTrue(json.contains("\"admin\": {\"transport\": \"tcp\", \"host\": \"127.0.0.1\", \"port\": "
                    + s.localAddress(AdminConfig.NAME).getPort() + "}"), json);
        }
    }

    @Test
    void aServerBuiltInCodeHasNoAdminListenerUnlessItAsks() {
        try (Server s = Server.builder().dataDirectory(dir.resolve("data")).module(TestModules.echo("echo"))
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).build()).build().start()) {
            assertThrows(IllegalArgumentException.class, () -> s.localAddress(AdminConfig.NAME));
        }
    }

    @Test
    void aListenerNamedAdminIsRefusedWhileTheAdminListenerIsOn() {
        BerthException e = assertThrows(BerthException.class, () -> Server.builder().admin(AdminConfig.builder().build())
                .module(TestModules.echo("echo"))
                .listener(ListenerConfig.tcp("admin").protocol("echo").host("127.0.0.1").port(0).build()).build());
        assertTrue(e.getMessage().contains("the admin listener's name"), e.getMessage());
    }

    @Test
    void anApplicationsOwnRegistryGetsTheMetersAndMetricsStillServesThem() throws Exception {
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        try (Server s = Server.builder().dataDirectory(dir.resolve("data")).meterRegistry(own)
                .admin(AdminConfig.builder().port(0).build()).module(TestModules.echo("echo"))
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).build()).build().start()) {
            try (LineClient c = new LineClient(s.localAddress("echo"))) {
                assertEquals("x", c.send("x\n").readLine());
            }
            assertEquals(1.0, own.get("berth.connections.opened").tag("listener", "echo").counter().count());
            PrometheusText m = PrometheusText.parse(Curl.run(url(s, "/metrics")).body());
            assertEquals(1.0, m.sum("berth_connections_opened_total", "listener", "echo"));
        }
    }
}
