package dev.berth.it.scaleout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.Haproxy;
import dev.berth.it.support.Maildir;
import dev.berth.it.support.ModuleJars;
import dev.berth.it.support.Ports;
import dev.berth.it.support.Program;
import dev.berth.it.support.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server-http and two server-smtp instances behind HAProxy, configured with the file Berth ships
 * (distribution/haproxy/haproxy.cfg), which sends PROXY protocol v2 and
 * health-checks them: traffic spreads over both, Berth sees the client's own address, and when one
 * instance stops (gracefully, then with SIGKILL) the other takes every request once the checks notice.
 */
class ScaleOutBehindHaproxyTest {
    /** Clients connect from their own loopback addresses, so that Berth can only learn them from PROXY. */
    private static final String HTTP_CLIENT = "127.0.0.2";
    private static final String SMTP_CLIENT = "127.0.0.3";
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static Path www;

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("index.html"), "behind haproxy\n");
    }

    /**
     * HAProxy with the configuration Berth ships (distribution/haproxy/haproxy.cfg, the recipe in docs/deploy.md),
     * its addresses given as that file expects, in the environment; checks every 300 ms to keep the test short.
     * Each test uses one frontend; the other's backends point at ports nobody listens on.
     */
    private static Haproxy haproxy(String name, int httpsFrontend, int web1, int web2, int smtpFrontend, int mx1, int mx2) {
        return Haproxy.startFile(dir.resolve(name), ModuleJars.projectFile("distribution/haproxy/haproxy.cfg"), Map.of(
                "BERTH_HTTPS_BIND", "127.0.0.1:" + httpsFrontend,
                "BERTH_SMTP_BIND", "127.0.0.1:" + smtpFrontend,
                "BERTH_WEB1", "127.0.0.1:" + web1,
                "BERTH_WEB2", "127.0.0.1:" + web2,
                "BERTH_MX1", "127.0.0.1:" + mx1,
                "BERTH_MX2", "127.0.0.1:" + mx2,
                "BERTH_CHECK_INTERVAL", "300ms"));
    }

    private static DeployedServer web(String name, int port) {
        return pki.configure(DeployedServer.of("server-http", dir.resolve(name)).flag("https-port", String.valueOf(port))
                .flag("http-enabled", "false").flag("root", www.toString())
                .flag("https-proxy-protocol", "on").flag("https-proxy-trusted", "127.0.0.1/32")).start();
    }

    private static DeployedServer mail(String name, int port) {
        return pki.configure(DeployedServer.of("server-smtp", dir.resolve(name)).flag("smtp-port", String.valueOf(port))
                .flag("smtp-hostname", name + ".it.test")
                .flag("smtp-proxy-protocol", "on").flag("smtp-proxy-trusted", "127.0.0.1/32")).start();
    }

    private static long accessLines(DeployedServer s, String client) {
        return s.log().lines().filter(l -> l.contains(client + " - - [") && l.contains("\"GET / HTTP/")).count();
    }

    /** The access log line is written after the response went out, so give the last one a moment to appear. */
    private static void awaitAccessLines(long expected, String client, DeployedServer... servers) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (java.util.Arrays.stream(servers).mapToLong(s -> accessLines(s, client)).sum() < expected
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void get(int frontend, int count, Haproxy haproxy, DeployedServer... instances) {
        Program curl = Program.require("curl", "curl");
        for (int i = 0; i < count; i++) {
            Program.Result r = curl.args("-sS", "--max-time", "30", "--interface", HTTP_CLIENT,
                            "--cacert", pki.rootCa().toString(), "--resolve", "localhost:" + frontend + ":127.0.0.1",
                            "https://localhost:" + frontend + "/")
                    .timeout(CLIENT_TIMEOUT).run();
            if (r.exitCode() != 0) {
                StringBuilder why = new StringBuilder("request " + (i + 1) + " of " + count + " failed\n" + r.describe()
                        + "\n--- haproxy stat ---\n" + haproxy.command("show stat"));
                for (DeployedServer s : instances) {
                    why.append("\n--- ").append(s.logFile()).append(" ---\n").append(s.tail());
                }
                fail(why.toString());
            }
            assertEquals("behind haproxy\n", r.stdout());
        }
    }

    @Test
    void httpsRequestsSpreadOverTwoInstancesCarryTheClientAddressAndSurviveOneStoppingThenOneKilled() {
        int frontend = Ports.freeLoopbackPort();
        int port1 = Ports.freeLoopbackPort();
        int port2 = Ports.freeLoopbackPort();
        DeployedServer web1 = web("web1", port1);
        DeployedServer web2 = web("web2", port2);
        try (DeployedServer a = web1; DeployedServer b = web2; Haproxy haproxy = haproxy("haproxy-web",
                frontend, port1, port2, Ports.freeLoopbackPort(), Ports.freeLoopbackPort(), Ports.freeLoopbackPort())) {
            haproxy.awaitHealthy("berth_https", "web1");
            haproxy.awaitHealthy("berth_https", "web2");

            get(frontend, 20, haproxy, web1, web2);
            awaitAccessLines(20, HTTP_CLIENT, web1, web2);
            long on1 = accessLines(web1, HTTP_CLIENT);
            long on2 = accessLines(web2, HTTP_CLIENT);
            assertEquals(20, on1 + on2, "each request is in one access log, with the client's own address");
            assertTrue(on1 > 0 && on2 > 0, () -> "round robin used both instances: " + on1 + " and " + on2);

            web1.stop(); // graceful: SIGTERM, exit 0
            haproxy.awaitDown("berth_https", "web1");
            get(frontend, 20, haproxy, web2);
            awaitAccessLines(on2 + 20, HTTP_CLIENT, web2);
            assertEquals(on2 + 20, accessLines(web2, HTTP_CLIENT), "the remaining instance answered all of them");

            try (DeployedServer again = web("web1-again", port1)) {
                haproxy.awaitHealthy("berth_https", "web1");
                web2.kill(); // SIGKILL: no goodbye
                haproxy.awaitDown("berth_https", "web2");
                get(frontend, 20, haproxy, again);
                awaitAccessLines(20, HTTP_CLIENT, again);
                assertEquals(20, accessLines(again, HTTP_CLIENT), "the restarted instance answered all of them");
                again.stop();
            }
        }
    }

    private Program.Result send(int frontend, String marker) {
        return Program.require("swaks", "swaks")
                .args("--server", "127.0.0.1:" + frontend, "--local-interface", SMTP_CLIENT, "--tls", "--tls-verify",
                        "--tls-ca-path", pki.rootCa().toString(), "--tls-sni", "localhost",
                        "--from", "alice@example.org", "--to", "bob@example.com",
                        "--header", "Subject: " + marker, "--body", "sent through haproxy: " + marker)
                .timeout(CLIENT_TIMEOUT).run().assertSuccess();
    }

    private static int stored(DeployedServer s, String prefix) {
        int n = 0;
        Pattern from = Pattern.compile("Received: from \\S+ \\(\\S*\\[" + Pattern.quote(SMTP_CLIENT) + "\\]\\)");
        for (Path p : new Maildir(s.dataDir().resolve("maildir")).messages()) {
            String m = new String(Maildir.read(p), java.nio.charset.StandardCharsets.ISO_8859_1);
            if (m.contains("Subject: " + prefix)) {
                Matcher matcher = from.matcher(m);
                assertTrue(matcher.find(), () -> "the Received header names the client's own address:\n" + m);
                n++;
            }
        }
        return n;
    }

    @Test
    void smtpSessionsSpreadOverTwoInstancesCarryTheClientAddressAndSurviveOneStoppingThenOneKilled() {
        int frontend = Ports.freeLoopbackPort();
        int port1 = Ports.freeLoopbackPort();
        int port2 = Ports.freeLoopbackPort();
        DeployedServer mx1 = mail("mx1", port1);
        DeployedServer mx2 = mail("mx2", port2);
        try (DeployedServer a = mx1; DeployedServer b = mx2; Haproxy haproxy = haproxy("haproxy-mail",
                Ports.freeLoopbackPort(), Ports.freeLoopbackPort(), Ports.freeLoopbackPort(), frontend, port1, port2)) {
            haproxy.awaitHealthy("berth_smtp", "mx1");
            haproxy.awaitHealthy("berth_smtp", "mx2");

            for (int i = 0; i < 8; i++) {
                send(frontend, "spread-" + i);
            }
            int on1 = stored(mx1, "spread-");
            int on2 = stored(mx2, "spread-");
            assertEquals(8, on1 + on2, "every session's message is stored once");
            assertTrue(on1 > 0 && on2 > 0, () -> "round robin used both instances: " + on1 + " and " + on2);

            mx1.stop();
            haproxy.awaitDown("berth_smtp", "mx1");
            for (int i = 0; i < 5; i++) {
                send(frontend, "after-stop-" + i);
            }
            assertEquals(5, stored(mx2, "after-stop-"));

            try (DeployedServer again = mail("mx1-again", port1)) {
                haproxy.awaitHealthy("berth_smtp", "mx1");
                mx2.kill();
                haproxy.awaitDown("berth_smtp", "mx2");
                for (int i = 0; i < 5; i++) {
                    send(frontend, "after-kill-" + i);
                }
                assertEquals(5, stored(again, "after-kill-"));
                again.stop();
            }
        }
    }
}
