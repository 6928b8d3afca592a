package dev.berth.it.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.core.testing.LineClient;
import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.ModuleJars;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployed jars with a config file: the shipped example loads and serves, and a real SIGHUP re-reads it. */
class ConfigExampleTest {
    @TempDir
    Path dir;

    private static Path example() {
        return Path.of(System.getProperty("berth.root"), "distribution", "berth.yaml").toAbsolutePath().normalize();
    }

    @Test
    void theShippedExamplePrintsBackAsTheEffectiveConfiguration() throws Exception {
        String printed = printConfig(example());
        assertTrue(printed.startsWith("0 "), printed);
        assertTrue(printed.contains("\ndata-dir: /var/lib/berth\n"), printed);
        assertTrue(printed.contains("\nsmtp:\n"), printed);
        assertTrue(printed.contains("  domains:\n    - example.com\n    - example.org\n"), printed);
        assertTrue(printed.contains("  smtp:\n    enabled: true\n    port: 2525\n"), printed);
    }

    @Test
    void everyYamlExampleOfTheConfigurationPageIsAFileBerthJarAccepts() throws Exception {
        String page = Files.readString(Path.of(System.getProperty("berth.root"), "docs", "configuration.md"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("```yaml\n(.*?)```", java.util.regex.Pattern.DOTALL)
                .matcher(page);
        int examples = 0;
        while (m.find()) {
            Path f = dir.resolve("example-" + ++examples + ".yaml");
            Files.writeString(f, m.group(1));
            String printed = printConfig(f);
            assertTrue(printed.startsWith("0 # berth --print-config"), "example " + examples + ":\n" + m.group(1) + printed);
        }
        assertEquals(2, examples, "the page's YAML examples");
    }

    /** {@code berth.jar --config FILE --print-config}: its exit code, a space, and its output. */
    private String printConfig(Path config) throws Exception {
        Path out = dir.resolve("printed.yaml");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                ModuleJars.of("distribution").toString(), "--config", config.toString(), "--print-config")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue() + " " + Files.readString(out, StandardCharsets.UTF_8);
    }

    @Test
    void theShippedExampleServesInBerthJar() throws Exception {
        DeployedServer berth = DeployedServer.of("distribution", dir).flag("config", example().toString())
                .listener("https").listener("http").listener("smtp").start();
        try {
            try (LineClient smtp = new LineClient(berth.listener("smtp").address())) {
                assertTrue(smtp.readLine().startsWith("220 "), "the SMTP greeting");
            }
            assertTrue(berth.log().contains("listening https tcp://127.0.0.1:"), berth.tail());
            berth.stop();
        } finally {
            berth.close();
        }
    }

    @Test
    void aRealSighupAppliesAChangedConnectionLimitAndSaysSo() throws Exception {
        Path config = dir.resolve("berth.yaml");
        Files.writeString(config, limit(1));
        DeployedServer echo = DeployedServer.of("server-echo", dir).flag("config", config.toString()).start();
        try {
            try (LineClient first = new LineClient(echo.listener("echo").address())) {
                assertEquals("one", first.send("one\r\n").readLine());
                assertTrue(new LineClient(echo.listener("echo").address()).closedByServer(), "over the limit of 1");

                Files.writeString(config, limit(2));
                Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(echo.pid())).inheritIO().start();
                assertEquals(0, kill.waitFor());
                String line = awaitLine(echo, "reloaded " + config);

                assertTrue(line.endsWith("reloaded " + config + ": applied listeners.echo.max-connections"), line);
                try (LineClient second = new LineClient(echo.listener("echo").address())) {
                    assertEquals("two", second.send("two\r\n").readLine());
                }
            }
            echo.stop();
        } finally {
            echo.close();
        }
    }

    private static String limit(int max) {
        return "listeners:\n  echo:\n    port: 0\n    max-connections: " + max + "\n"
                + "  echo-udp:\n    enabled: false\n  greeting:\n    enabled: false\n";
    }

    /** Waits for the process to log a line holding {@code text}; it dying first fails the test. */
    private static String awaitLine(DeployedServer server, String text) throws InterruptedException {
        while (server.isAlive()) {
            List<String> hits = server.log().lines().filter(l -> l.contains(text)).toList();
            if (!hits.isEmpty()) {
                return hits.get(0);
            }
            Thread.sleep(50);
        }
        return fail("the server exited before logging '" + text + "':\n" + server.tail());
    }
}
