package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.launcher.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar's entry point: the flags it lists, serving --root over HTTPS with the redirect, and bad flags. */
class HttpLauncherTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Launcher.Launch launch(String... args) {
        return Launcher.launch(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheHttpFlags() {
        Launcher.Launch l = launch("--help");
        assertNull(l.server);
        String help = out.toString(StandardCharsets.UTF_8);
        for (String flag : new String[] {"--root", "--listing", "--follow-symlinks", "--gzip", "--http-redirect",
                "--redirect-host", "--hsts", "--max-request-line", "--max-header-size", "--max-body-size",
                "--header-timeout", "--body-timeout", "--keep-alive-timeout", "--max-concurrent-streams", "--https-port", "--http-port", "--mime-types"}) {
            assertTrue(help.contains(flag), flag + " in\n" + help);
        }
    }

    @Test
    void theJarServesRootOverHttpsAndRedirectsPlaintext(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("index.html"), "served by the launcher");
        Launcher.Launch l = launch("--protocols", "http", "--host", "127.0.0.1", "--https-port", "0", "--http-port", "0",
                "--data-dir", TestServer.DATA.toString(), "--root", root.toString());
        assertTrue(l.server != null, err.toString(StandardCharsets.UTF_8));
        try {
            int https = l.server.localAddress("https").getPort();
            int http = l.server.localAddress("http").getPort();
            assertEquals("served by the launcher", Curl.run("-k", "https://127.0.0.1:" + https + "/"));
            String redirect = Curl.run("-i", "http://127.0.0.1:" + http + "/x?y");
            assertTrue(redirect.toLowerCase().contains("location: https://127.0.0.1:" + https + "/x?y"), redirect);
        } finally {
            l.server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void http3TrueServesH3OnUdpWithTheSelfSignedDefaultAndAdvertisesIt() throws Exception {
        Launcher.Launch l = launch("--protocols", "http", "--host", "127.0.0.1", "--https-port", "0", "--http-port", "0",
                "--h3-port", "0", "--http3", "true", "--data-dir", TestServer.DATA.toString());
        assertTrue(l.server != null, err.toString(StandardCharsets.UTF_8));
        try {
            int h3 = l.server.localAddress("h3").getPort();
            int https = l.server.localAddress("https").getPort();
            String head = Curl.run("-k", "-s", "-D", "-", "-o", "/dev/null", "https://127.0.0.1:" + https + "/");
            assertTrue(head.toLowerCase().contains("alt-svc: h3=\":" + h3 + "\"; ma=86400"), head);
            java.security.cert.X509Certificate selfSigned;
            try (java.io.InputStream in = Files.newInputStream(TestServer.DATA.resolve("tls").resolve("self-signed.crt"))) {
                selfSigned = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                        .getInstance("X.509").generateCertificate(in);
            }
            java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("self-signed", selfSigned);
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            try (Http3Client c = new Http3Client(h3, trust)) {
                Http3Client.Answer a = c.get("/");
                assertEquals(200, a.status());
                assertTrue(a.text().contains("Berth"), a.text());
            }
        } finally {
            l.server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void withoutHttp3TrueThereIsNoH3Listener() {
        Launcher.Launch l = launch("--protocols", "http", "--host", "127.0.0.1", "--https-port", "0", "--http-port", "0",
                "--data-dir", TestServer.DATA.toString());
        assertTrue(l.server != null, err.toString(StandardCharsets.UTF_8));
        try {
            assertThrows(IllegalArgumentException.class, () -> l.server.localAddress("h3"));
        } finally {
            l.server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void theH3PortFollowsTheHttpsPortUnlessGiven() throws Exception {
        int port = portFreeForTcpAndUdp();
        Launcher.Launch l = launch("--protocols", "http", "--host", "127.0.0.1", "--https-port", String.valueOf(port),
                "--http-port", "0", "--http3", "true", "--data-dir", TestServer.DATA.toString());
        assertTrue(l.server != null, err.toString(StandardCharsets.UTF_8));
        try {
            assertEquals(port, l.server.localAddress("https").getPort());
            assertEquals(port, l.server.localAddress("h3").getPort(), "h3 binds the https port's number on UDP");
        } finally {
            l.server.stop(Duration.ofSeconds(5));
        }
        Launcher.Launch given = launch("--protocols", "http", "--host", "127.0.0.1", "--https-port", String.valueOf(port),
                "--http-port", "0", "--http3", "true", "--h3-port", "0", "--data-dir", TestServer.DATA.toString());
        assertTrue(given.server != null, err.toString(StandardCharsets.UTF_8));
        try {
            assertTrue(given.server.localAddress("h3").getPort() != port, "--h3-port 0 picks its own port");
        } finally {
            given.server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void h3EnabledFalseWinsOverHttp3TrueAndH3EnabledTrueAloneServesIt() {
        Launcher.Launch off = launch("--protocols", "http", "--host", "127.0.0.1", "--https-port", "0", "--http-port", "0",
                "--http3", "true", "--h3-enabled", "false", "--data-dir", TestServer.DATA.toString());
        assertTrue(off.server != null, err.toString(StandardCharsets.UTF_8));
        try {
            assertThrows(IllegalArgumentException.class, () -> off.server.localAddress("h3"));
        } finally {
            off.server.stop(Duration.ofSeconds(5));
        }
        Launcher.Launch on = launch("--protocols", "http", "--host", "127.0.0.1", "--https-port", "0", "--http-port", "0",
                "--h3-enabled", "true", "--h3-port", "0", "--data-dir", TestServer.DATA.toString());
        assertTrue(on.server != null, err.toString(StandardCharsets.UTF_8));
        try {
            assertTrue(on.server.localAddress("h3").getPort() > 0);
        } finally {
            on.server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aDatagramSizeBelowWhatQuicNeedsFailsAtStartNamingTheFlag() {
        Launcher.Launch l = launch("--protocols", "http", "--host", "127.0.0.1", "--https-port", "0", "--http-port", "0",
                "--http3", "true", "--h3-port", "0", "--h3-max-datagram-size", "1000",
                "--data-dir", TestServer.DATA.toString());
        assertNull(l.server);
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("--h3-max-datagram-size 1000") && e.contains("1200"), e);
    }

    @Test
    void soReusePortOnTheH3ListenerIsRefusedAtStartNamingTheListener() {
        Launcher.Launch l = launch("--protocols", "http", "--host", "127.0.0.1", "--https-port", "0", "--http-port", "0",
                "--http3", "true", "--h3-port", "0", "--h3-reuse-port", "true", "--data-dir", TestServer.DATA.toString());
        assertNull(l.server);
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals("berth: listener h3: SO_REUSEPORT (--h3-reuse-port) is refused for HTTP/3: several processes would"
                + " split one QUIC connection's packets between them\n", e);
    }

    /** A port number free on 127.0.0.1 for TCP and UDP both, as far as one can tell before binding it for real. */
    private static int portFreeForTcpAndUdp() throws Exception {
        for (int i = 0; i < 50; i++) {
            try (java.net.DatagramSocket udp = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
                int p = udp.getLocalPort();
                try (java.net.ServerSocket tcp = new java.net.ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress())) {
                    return p;
                } catch (java.io.IOException taken) {
                    // try another
                }
            }
        }
        throw new AssertionError("no port free for both TCP and UDP in 50 tries");
    }

    @Test
    void aRootThatIsNotADirectoryFailsAtStartNamingTheFlag() {
        Launcher.Launch l = launch("--protocols", "http", "--https-port", "0", "--http-port", "0",
                "--root", "does/not/exist");
        assertNull(l.server);
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        assertEquals("berth: static files: root does/not/exist is not a directory (--root)\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBadLimitFailsAtStartNamingTheFlag() {
        Launcher.Launch l = launch("--protocols", "http", "--https-port", "0", "--http-port", "0",
                "--max-body-size", "lots");
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--max-body-size"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void starttlsOnAnHttpListenerFailsAtStartNamingTheFlag() {
        Launcher.Launch l = launch("--protocols", "http", "--https-port", "0", "--http-port", "0",
                "--http-tls", "starttls");
        assertNull(l.server);
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals("berth: listener http: protocol http cannot serve TLS mode starttls; it serves none, implicit, "
                + "optional (--http-tls)\n", e);
        assertEquals(1, e.strip().lines().count(), e);
    }
}
