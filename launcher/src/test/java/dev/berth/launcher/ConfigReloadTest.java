package dev.berth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.testing.LineClient;
import dev.berth.core.tls.OpenSslClient;
import dev.berth.core.tls.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What SIGHUP runs ({@link ConfigReload#reload()}): re-read the file, apply what can change live, report the rest. */
class ConfigReloadTest {
    @TempDir
    Path dir;

    private Launcher.Launch launch;

    private Path config;

    private Launcher.Launch start(String yaml) throws IOException {
        config = dir.resolve("berth.yaml");
        Files.writeString(config, yaml);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        launch = Launcher.launch(new String[] {"--config", config.toString()}, System::getenv,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        return launch;
    }

    private String reloadWith(String yaml) throws IOException {
        Files.writeString(config, yaml);
        return launch.reload.reload();
    }

    @AfterEach
    void stop() {
        if (launch != null && launch.server != null) {
            launch.server.stop();
        }
    }

    private static String limited(int max, String level) {
        return "host: 127.0.0.1\nlog-level: " + level + "\nlisteners:\n  upper:\n    port: 0\n    max-connections: " + max + "\n";
    }

    private static boolean served(InetSocketAddress a) throws IOException {
        try (LineClient c = new LineClient(a)) {
            return "PING".equals(c.send("ping\n").readLine());
        }
    }

    @Test
    void aChangedConnectionLimitReachesTheNextClient() throws Exception {
        start(limited(1, "warn"));
        InetSocketAddress a = launch.server.localAddress("upper");
        try (LineClient first = new LineClient(a)) {
            assertEquals("ONE", first.send("one\n").readLine());
            assertTrue(new LineClient(a).closedByServer(), "a second connection is over the limit of 1");

            String line = reloadWith(limited(2, "error"));

            assertEquals("reloaded " + config + ": applied log-level, listeners.upper.max-connections", line);
            assertTrue(served(a), "a second connection is within the new limit of 2");
        }
    }

    @Test
    void anInvalidFileIsRefusedInOneLineAndTheRunningLimitStays() throws Exception {
        start(limited(1, "warn"));
        InetSocketAddress a = launch.server.localAddress("upper");

        String line = reloadWith("host: 127.0.0.1\nlisteners:\n  upper:\n    port: 0\n    max-connections: lots\n");

        assertEquals("reload of " + config + " refused, the running configuration stays: " + config
                + ":5: listeners.upper.max-connections: 'lots' is not a whole number", line);
        assertEquals("reload of " + config + " refused, the running configuration stays: " + config
                + ":1: unknown-key: unknown key", reloadWith("unknown-key: 1\n").replaceAll(" \\(see --help.*", ""));
        try (LineClient first = new LineClient(a)) {
            assertEquals("ONE", first.send("one\n").readLine());
            assertTrue(new LineClient(a).closedByServer(), "the limit is still 1");
        }
    }

    @Test
    void whatCannotChangeLiveIsReportedAsNeedingARestartAndAgainOnTheNextReload() throws Exception {
        start(limited(5, "warn"));
        InetSocketAddress a = launch.server.localAddress("upper");
        String moved = limited(5, "warn").replace("port: 0", "port: 1") + "shutdown-timeout: 3s\n";

        assertEquals("reloaded " + config + ": applied nothing; needs restart: shutdown-timeout, listeners.upper.port",
                reloadWith(moved));
        assertEquals("reloaded " + config + ": applied nothing; needs restart: shutdown-timeout, listeners.upper.port",
                reloadWith(moved), "the running server still has the old values");
        assertTrue(served(a), "still on its old port");
    }

    @Test
    void aCertificateReplacedUnderTheSameNameIsServedToTheNextHandshake() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.copy(TestPki.file("rsa-chain.pem"), cert);
        Files.copy(TestPki.file("rsa-pkcs1.key"), key);
        // no file watch: the reload seen here is SIGHUP's, not the watcher's
        start("host: 127.0.0.1\nlog-level: warn\ndata-dir: " + dir + "\ntls:\n  cert: " + cert + "\n  key: " + key
                + "\n  reload-interval: 0s\n"
                + "listeners:\n  upper:\n    port: 0\n    tls: implicit\n");
        InetSocketAddress a = launch.server.localAddress("upper");
        assertTrue(Pattern.compile("subject=.*CN ?= ?rsa").matcher(OpenSslClient.runUntil(a, "", "Verify return code").output).find());

        Files.copy(TestPki.file("ec-chain.pem"), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(TestPki.file("ec-pkcs8.key"), key, StandardCopyOption.REPLACE_EXISTING);
        String line = launch.reload.reload();

        assertEquals("reloaded " + config + ": applied tls", line);
        String after = OpenSslClient.runUntil(a, "", "Verify return code").output;
        assertTrue(Pattern.compile("subject=.*CN ?= ?ec").matcher(after).find(), after);
    }

    private String tlsConfig(String tlsBlock) {
        return "host: 127.0.0.1\nlog-level: warn\ndata-dir: " + dir + "\n" + tlsBlock
                + "listeners:\n  upper:\n    port: 0\n    tls: implicit\n";
    }

    @Test
    void newCertificateFileNamesAreServedToTheNextHandshake() throws Exception {
        start(tlsConfig("tls:\n  cert: " + TestPki.file("rsa-chain.pem") + "\n  key: " + TestPki.file("rsa-pkcs1.key") + "\n"));
        InetSocketAddress a = launch.server.localAddress("upper");

        String line = reloadWith(tlsConfig("tls:\n  cert: " + TestPki.file("ec-chain.pem") + "\n  key: "
                + TestPki.file("ec-pkcs8.key") + "\n  reload-interval: 5s\n"));

        assertEquals("reloaded " + config + ": applied tls.cert, tls.key; needs restart: tls.reload-interval", line);
        String after = OpenSslClient.runUntil(a, "", "Verify return code").output;
        assertTrue(Pattern.compile("subject=.*CN ?= ?ec").matcher(after).find(), after);
    }

    @Test
    void aNewCertificateThatCannotBeLoadedRefusesTheReloadAndTheOldOneIsServed() throws Exception {
        start(tlsConfig("tls:\n  cert: " + TestPki.file("rsa-chain.pem") + "\n  key: " + TestPki.file("rsa-pkcs1.key") + "\n"));
        InetSocketAddress a = launch.server.localAddress("upper");

        String line = reloadWith(limited(2, "warn").replace("port: 0\n", "port: 0\n    tls: implicit\n") + "tls:\n  cert: "
                + TestPki.file("rsa-chain.pem") + "\n  key: " + TestPki.file("ec-pkcs8.key") + "\n");

        assertTrue(line.startsWith("reload of " + config + " refused, the running configuration stays: " + config
                + ":10: tls.key: TLS private key " + TestPki.file("ec-pkcs8.key") + ": does not match"), line);
        assertTrue(Pattern.compile("subject=.*CN ?= ?rsa").matcher(OpenSslClient.runUntil(a, "", "Verify return code").output)
                .find());
    }
}
