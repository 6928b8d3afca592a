package dev.berth.it.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.Ports;
import dev.berth.it.support.Program;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian's {@code prometheus}) scrapes the deployed echo jar's admin listener
 * every second, and its query API returns Berth's series with the traffic the test made.
 */
class PrometheusScrapeTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void prometheusScrapesTheAdminListenerAndItsApiReturnsBerthsSeries() throws Exception {
        assumeTrue(onPath("prometheus"), "prometheus is not installed here: apt-get install -y --no-install-recommends "
                + "prometheus (CI installs it from .ci/packages.d/it.txt)");
        Program socat = Program.require("socat", "socat");
        try (DeployedServer berth = DeployedServer.of("server-echo", dir.resolve("berth")).listener("echo")
                .flag("echo-udp-enabled", "false").flag("greeting-enabled", "false").flag("admin-port", "0").start()) {
            int admin = berth.port("admin");
            for (int i = 0; i < 3; i++) {
                String echoed = socat.args("-t", "10", "-", "TCP:127.0.0.1:" + berth.port("echo")).stdin("hello " + i + "\n")
                        .run().stdout();
                assertEquals("hello " + i + "\n", echoed);
            }
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    + "scrape_configs:\n  - job_name: berth\n    static_configs:\n"
                    + "      - targets: ['127.0.0.1:" + admin + "']\n");
            int web = Ports.freeLoopbackPort();
            Path log = dir.resolve("prometheus.log");
            Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + web)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                String query = "berth_connections_opened_total{listener=\"echo\",protocol=\"echo\",job=\"berth\"}";
                double opened = awaitValue(prometheus, web, query, log);
                assertEquals(3.0, opened, "Prometheus holds the three connections the test made");
                String active = queryApi(web, "berth_connections_active{listener=\"echo\"}");
                assertTrue(active.contains("\"status\":\"success\""), active);
                String up = queryApi(web, "up{job=\"berth\"}");
                assertTrue(up.contains("\"1\"]"), "the scrape target is up: " + up);
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(30, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly();
                }
            }
        }
    }

    /** Queries until the series has a value (a bounded wait: the first scrapes come within seconds). */
    private static double awaitValue(Process prometheus, int web, String query, Path log) throws Exception {
        Pattern value = Pattern.compile("\"value\":\\[[0-9.]+,\"([0-9.eE+-]+)\"\\]");
        long end = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            if (!prometheus.isAlive()) {
                fail("prometheus exited " + prometheus.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                last = queryApi(web, query);
                Matcher m = value.matcher(last);
                if (m.find() && Double.parseDouble(m.group(1)) >= 3.0) {
                    return Double.parseDouble(m.group(1));
                }
            } catch (IOException e) {
                last = e.toString(); // Prometheus is still starting
            }
            Thread.sleep(250);
        }
        return fail("Prometheus's API did not return " + query + " within " + WAIT + "; last answer: " + last
                + "\nits log:\n" + Files.readString(log));
    }

    private static String queryApi(int web, String query) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build();
        return client.send(r, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static boolean onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return true;
            }
        }
        return false;
    }
}
