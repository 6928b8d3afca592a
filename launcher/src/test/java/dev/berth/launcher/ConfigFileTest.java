package dev.berth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.testing.LineClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --config FILE}: its format, its precedence below flags and variables, its errors, and --print-config. */
class ConfigFileTest {
    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>();
    private ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Launcher.Launch launch(String... args) {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        return Launcher.launch(args, env::get, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path file(String name, String yaml) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void aServerStartsFromTheFileAlone() throws Exception {
        Path f = file("berth.yaml", "host: 127.0.0.1\nlog-level: warn\ndata-dir: " + dir + "\n"
                + "listeners:\n  upper:\n    port: 0\n");
        Launcher.Launch l = launch("--config", f.toString());
        try {
            assertEquals("", err());
            try (LineClient c = new LineClient(l.server.localAddress("upper"))) {
                assertEquals("FROM A FILE", c.send("from a file\n").readLine());
            }
            assertEquals("127.0.0.1", l.server.localAddress("upper").getAddress().getHostAddress());
        } finally {
            l.server.stop();
        }
    }

    @Test
    void aFlagBeatsItsVariableWhichBeatsTheFileWhichBeatsTheDefault() throws Exception {
        Path f = file("berth.yaml", "listeners:\n  upper:\n    max-connections: 11\n    max-connections-per-ip: 12\n"
                + "    idle-timeout: 13s\n");
        env.put("BERTH_UPPER_MAX_CONNECTIONS_PER_IP", "22");
        env.put("BERTH_UPPER_IDLE_TIMEOUT", "23s");
        Launcher.Launch l = launch("--config", f.toString(), "--upper-idle-timeout", "33s", "--print-config");
        assertNull(l.server);
        assertEquals(0, l.exitCode, err());
        String printed = out();
        assertTrue(printed.contains("    max-connections: 11\n"), "the file beats the default: " + printed);
        assertTrue(printed.contains("    max-connections-per-ip: 22\n"), "the variable beats the file: " + printed);
        assertTrue(printed.contains("    idle-timeout: 33s\n"), "the flag beats the variable: " + printed);
        assertTrue(printed.contains("    write-buffer-high: 65536\n"), "the default stays: " + printed);
    }

    @Test
    void theFileCanComeFromBerthConfig() throws Exception {
        env.put("BERTH_CONFIG", file("berth.yaml", "shutdown-timeout: 42s\n").toString());
        assertEquals(0, launch("--print-config").exitCode);
        assertTrue(out().contains("\nshutdown-timeout: 42s\n"), out());
    }

    @Test
    void berthVersionAndBerthHelpInTheEnvironmentAreNotFlags() {
        // set for other reasons (an image's version label), they must neither stop the start nor print help
        env.put("BERTH_VERSION", "1.4.0");
        env.put("BERTH_HELP", "see the wiki");
        assertEquals(0, launch("--print-config").exitCode, err());
        assertTrue(out().contains("shutdown-timeout: "), out());
    }

    @Test
    void anUnknownKeyIsOneLineNamingTheFileTheLineAndTheKey() throws Exception {
        Path f = file("berth.yaml", "log-level: warn\nlisteners:\n  upper:\n    port: 0\n    max-conections: 5\n");
        Launcher.Launch l = launch("--config", f.toString());
        assertNull(l.server);
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        assertEquals("berth: " + f + ":5: listeners.upper.max-conections: unknown key\n", err());
    }

    @Test
    void aListenerNotOnTheClassPathIsNamed() throws Exception {
        Path f = file("berth.yaml", "listeners:\n  gopher:\n    port: 70\n");
        assertEquals(Launcher.EXIT_CONFIG, launch("--config", f.toString()).exitCode);
        assertTrue(err().startsWith("berth: " + f + ":2: listeners.gopher: unknown key (not a listener"), err());
    }

    @Test
    void aBadValueIsOneLineNamingTheFileTheLineAndTheKey() throws Exception {
        Path f = file("berth.yaml", "listeners:\n  upper:\n\n    port: seventy\n");
        assertEquals(Launcher.EXIT_CONFIG, launch("--config", f.toString()).exitCode);
        assertEquals("berth: " + f + ":4: listeners.upper.port: 'seventy' is not a whole number\n", err());
    }

    @Test
    void aValueOfTheWrongShapeIsATypeErrorOnItsLine() throws Exception {
        Path f = file("berth.yaml", "host:\n  - 127.0.0.1\n  - ::1\n");
        assertEquals(Launcher.EXIT_CONFIG, launch("--config", f.toString()).exitCode);
        assertEquals("berth: " + f + ":2: host: must be a single value, not a list\n", err());
        Path g = file("g.yaml", "tls: yes\n");
        assertEquals(Launcher.EXIT_CONFIG, launch("--config", g.toString()).exitCode);
        assertEquals("berth: " + g + ":1: tls: must be a map of keys to values\n", err());
    }

    @Test
    void aValueThatTheServerRefusesLaterStillNamesTheFileAndLine() throws Exception {
        Path f = file("berth.yaml", "host: 127.0.0.1\nlisteners:\n  upper:\n    port: 0\n    max-connections: 0\n");
        Launcher.Launch l = launch("--config", f.toString());
        assertNull(l.server);
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        assertEquals("berth: " + f + ":5: listeners.upper.max-connections: '0' is not a positive number\n", err());
        Path g = file("g.yaml", "tls:\n  client-auth: required\n");
        assertEquals(Launcher.EXIT_CONFIG, launch("--config", g.toString(), "--upper-port", "0").exitCode);
        assertTrue(err().startsWith("berth: " + g + ":2: tls.client-auth: --tls-client-auth required needs --tls-client-ca"),
                err());
    }

    @Test
    void theSameValueGivenAsAFlagIsBlamedOnTheFlag() throws Exception {
        Path f = file("berth.yaml", "listeners:\n  upper:\n    max-connections: 5\n");
        assertEquals(Launcher.EXIT_CONFIG, launch("--config", f.toString(), "--upper-max-connections", "0").exitCode);
        assertEquals("berth: invalid value for --upper-max-connections: '0' is not a positive number\n", err());
    }

    @Test
    void brokenYamlAndAMissingFileAreOneLineEach() throws Exception {
        Path f = file("berth.yaml", "listeners: {upper: {port: 0\n");
        assertEquals(Launcher.EXIT_CONFIG, launch("--config", f.toString()).exitCode);
        assertTrue(err().startsWith("berth: " + f + ":2: not valid YAML: "), err());
        assertEquals(1, err().lines().count());
        Path missing = dir.resolve("nope.yaml");
        assertEquals(Launcher.EXIT_CONFIG, launch("--config", missing.toString()).exitCode);
        assertTrue(err().startsWith("berth: --config " + missing + ": cannot read it"), err());
        assertEquals(1, err().lines().count());
    }

    @Test
    void aKeyGivenTwiceIsAnError() throws Exception {
        Path f = file("berth.yaml", "log-level: info\nlog-level: warn\n");
        assertEquals(Launcher.EXIT_CONFIG, launch("--config", f.toString()).exitCode);
        assertTrue(err().startsWith("berth: " + f + ":2: "), err());
    }

    @Test
    void listFlagsTakeAYamlListOrACommaSeparatedString() throws Exception {
        Path f = file("berth.yaml", "protocols: [upper]\nlisteners:\n  upper:\n    proxy-trusted:\n"
                + "      - 127.0.0.1/32\n      - 10.0.0.0/8\n");
        assertEquals(0, launch("--config", f.toString(), "--print-config").exitCode, err());
        assertTrue(out().contains("    proxy-trusted:\n      - 127.0.0.1/32\n      - 10.0.0.0/8\n"), out());
        assertTrue(out().contains("protocols:\n  - upper\n"), out());
    }

    @Test
    void printConfigReadBackGivesTheSameConfiguration() throws Exception {
        Path f = file("berth.yaml", "host: 127.0.0.1\ntls:\n  sni: [a.example.com=a.pem:a.key, '*.b.example.com=b.pem']\n"
                + "listeners:\n  upper:\n    idle-timeout: 90s\n");
        env.put("BERTH_SHUTDOWN_TIMEOUT", "3s");
        assertEquals(0, launch("--config", f.toString(), "--upper-port", "0", "--ready-file", "r y.json",
                "--print-config").exitCode, err());
        String first = out();
        Path printed = file("printed.yaml", first);
        env.clear();
        assertEquals(0, launch("--config", printed.toString(), "--print-config").exitCode, err());
        assertEquals(first, out());
        assertTrue(first.contains("ready-file: 'r y.json'\n"), first);
        assertTrue(first.contains("  - '*.b.example.com=b.pem'\n"), first);
    }

    @Test
    void printConfigNeverShowsASecret() throws Exception {
        assertEquals(0, launch("--tls-key-passphrase", "hunter2-secret", "--print-config").exitCode);
        assertFalse(out().contains("hunter2"), out());
        assertTrue(out().contains("tls:\n"), out());
        assertTrue(out().contains("  # key-passphrase: set, not shown\n"), out());
    }
}
