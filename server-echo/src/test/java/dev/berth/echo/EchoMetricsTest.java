package dev.berth.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.AdminConfig;
import dev.berth.core.testing.Curl;
import dev.berth.core.testing.PrometheusText;
import dev.berth.core.testing.TestCertificates;
import dev.berth.launcher.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The echo and greeting traffic meters, and the admin flags, as the runnable jar's launcher starts them. */
@Timeout(120)
class EchoMetricsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Launcher.Launch launch;

    @AfterEach
    void stop() {
        if (launch != null && launch.server != null) {
            launch.server.stop(Duration.ofSeconds(5));
        }
    }

    private Launcher.Launch launch(String... args) {
        launch = Launcher.launch(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return launch;
    }

    private PrometheusText scrape() {
        int port = launch.server.localAddress(AdminConfig.NAME).getPort();
        Curl.Response r = Curl.run("http://127.0.0.1:" + port + "/metrics");
        assertEquals(200, r.status(), r.error());
        return PrometheusText.parse(r.body());
    }

    @Test
    void echoAndGreetingTrafficIsCountedInBytesAndDatagramsPerListenerAndDirection() throws Exception {
        Launcher.Launch l = launch("--host", "127.0.0.1", "--protocols", "echo,greeting", "--echo-port", "0",
                "--echo-udp-port", "0", "--greeting-port", "0", "--admin-port", "0", "--data-dir", dir.toString());
        assertNull(l.server == null ? err.toString(StandardCharsets.UTF_8) : null);
        int tcp = l.server.localAddress("echo").getPort();
        int udp = l.server.localAddress("echo-udp").getPort();
        int greeting = l.server.localAddress("greeting").getPort();

        byte[] echoed = Cli.run("hello\n".getBytes(StandardCharsets.US_ASCII), "socat", "-t", "10", "-",
                "TCP:127.0.0.1:" + tcp);
        assertEquals("hello\n", new String(echoed, StandardCharsets.US_ASCII));
        byte[] pong = Cli.run("ping".getBytes(StandardCharsets.US_ASCII), "socat", "-t", "5", "-",
                "UDP:127.0.0.1:" + udp);
        assertEquals("ping", new String(pong, StandardCharsets.US_ASCII));
        byte[] greeted = Cli.run("hi\n".getBytes(StandardCharsets.US_ASCII), "socat", "-t", "10", "-",
                "TCP:127.0.0.1:" + greeting);
        assertTrue(greeted.length > 0);

        PrometheusText m = scrape();
        assertEquals(6.0, m.sum("berth_echo_bytes_total", "listener", "echo", "direction", "in"));
        assertEquals(6.0, m.sum("berth_echo_bytes_total", "listener", "echo", "direction", "out"));
        assertEquals(4.0, m.sum("berth_echo_bytes_total", "listener", "echo-udp", "direction", "in"));
        assertEquals(4.0, m.sum("berth_echo_bytes_total", "listener", "echo-udp", "direction", "out"));
        assertEquals(1.0, m.sum("berth_echo_datagrams_total", "listener", "echo-udp", "direction", "in"));
        assertEquals(1.0, m.sum("berth_echo_datagrams_total", "listener", "echo-udp", "direction", "out"));
        assertEquals(3.0, m.sum("berth_echo_bytes_total", "listener", "greeting", "direction", "in"));
        assertEquals(greeted.length, m.sum("berth_echo_bytes_total", "listener", "greeting", "direction", "out"));
        assertEquals(0.0, m.sum("berth_echo_datagrams_total", "listener", "echo", "direction", "in"),
                "a TCP listener counts no datagrams");
    }

    @Test
    void theAdminListenerIsOnByDefaultAndOffWithAdminEnabledFalse() {
        Launcher.Launch on = launch("--host", "127.0.0.1", "--protocols", "echo", "--echo-port", "0",
                "--echo-udp-enabled", "false", "--admin-port", "0", "--data-dir", dir.toString());
        assertEquals(200, Curl.run("http://127.0.0.1:" + on.server.localAddress(AdminConfig.NAME).getPort()
                + "/healthz").status());
        assertEquals("127.0.0.1", on.server.localAddress(AdminConfig.NAME).getAddress().getHostAddress());
        on.server.stop(Duration.ofSeconds(5));
        Launcher.Launch off = launch("--host", "127.0.0.1", "--protocols", "echo", "--echo-port", "0",
                "--echo-udp-enabled", "false", "--admin-enabled", "false", "--data-dir", dir.toString());
        assertTrue(off.server.localAddresses().containsKey("echo"));
        assertEquals(false, off.server.config().admin().enabled());
    }

    @Test
    void aNonLoopbackAdminHostWithoutTlsAndATokenEndsTheLaunchNamingTheFlags() {
        Launcher.Launch l = launch("--host", "127.0.0.1", "--protocols", "echo", "--echo-port", "0",
                "--admin-host", "0.0.0.0", "--admin-port", "0", "--data-dir", dir.toString());
        assertNull(l.server);
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("berth: --admin-host 0.0.0.0 is not a loopback address") && e.contains("--admin-tls-cert")
                && e.contains("--admin-token"), e);
        assertEquals(1, e.lines().count(), "one line: " + e);
    }

    @Test
    void helpListsTheAdminFlags() {
        assertEquals(0, launch("--help").exitCode);
        String help = out.toString(StandardCharsets.UTF_8);
        for (String flag : new String[] {"--admin-enabled", "--admin-host", "--admin-port", "--admin-token",
                "--admin-token-file", "--admin-tls-cert", "--admin-tls-key"}) {
            assertTrue(help.contains(flag), flag + " is in --help");
        }
    }

    @Test
    void withATlsCertificateAndATokenFileTheAdminListenerServesHttpsToTheTokenOnly() throws Exception {
        TestCertificates certs = TestCertificates.create(dir.resolve("pki"));
        Path token = java.nio.file.Files.writeString(dir.resolve("admin-token"), "s3cret-token\n");
        Launcher.Launch l = launch("--host", "127.0.0.1", "--protocols", "echo", "--echo-port", "0",
                "--echo-udp-enabled", "false", "--admin-port", "0", "--admin-tls-cert", certs.chainFile().toString(),
                "--admin-tls-key", certs.keyFile().toString(), "--admin-token-file", token.toString(),
                "--data-dir", dir.resolve("data").toString());
        assertNull(l.server == null ? err.toString(StandardCharsets.UTF_8) : null);
        String url = "https://localhost:" + l.server.localAddress(AdminConfig.NAME).getPort() + "/metrics";
        assertEquals(401, Curl.run(url, "--cacert", certs.caFile().toString()).status());
        Curl.Response r = Curl.run(url, "--cacert", certs.caFile().toString(), "-H", "Authorization: Bearer s3cret-token");
        assertEquals(200, r.status(), r.error());
        assertTrue(r.body().contains("berth_connections_opened_total"));
    }
}
