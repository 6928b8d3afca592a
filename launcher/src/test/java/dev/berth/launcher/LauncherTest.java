package dev.berth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.testing.LineClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher with the README's example module, which test resources register with ServiceLoader. */
class LauncherTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Launcher.Launch launch(String... args) {
        return Launcher.launch(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsGlobalListenerAndTlsFlagsWithDefaults() {
        Launcher.Launch l = launch("--help");
        assertNull(l.server);
        assertEquals(0, l.exitCode);
        String help = out.toString(StandardCharsets.UTF_8);
        for (String flag : new String[] {"--data-dir", "--ready-file", "--transport", "--shutdown-timeout", "--log-level",
                "--upper-port", "--upper-max-connections", "--upper-idle-timeout", "--upper-proxy-protocol",
                "--tls-cert", "--tls-key-passphrase"}) {
            assertTrue(help.contains(flag), flag + " is in --help");
        }
        assertTrue(help.contains("Default: 7070"), "defaults are shown");
        assertTrue(help.contains("BERTH_"), "the environment variables are explained");
    }

    @Test
    void theLauncherStartsModulesFromTheClassPathAndWritesTheReadyFile() throws Exception {
        Path ready = dir.resolve("ready.json");
        Launcher.Launch l = launch("--host", "127.0.0.1", "--upper-port", "0", "--ready-file", ready.toString(),
                "--data-dir", dir.toString(), "--log-level", "warn");
        try {
            assertEquals("", err());
            assertTrue(Files.readString(ready).contains("\"upper\": {\"transport\": \"tcp\", \"host\": \"127.0.0.1\""));
            try (LineClient c = new LineClient(l.server.localAddress("upper"))) {
                assertEquals("SHOUT", c.send("shout\r\n").readLine());
            }
        } finally {
            l.server.stop();
        }
    }

    @Test
    void aBadFlagValueFailsWithOneLineNamingTheFlag() {
        Launcher.Launch l = launch("--upper-port", "seventy");
        assertNull(l.server);
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        assertEquals("berth: invalid value for --upper-port: 'seventy' is not a whole number\n", err());
    }

    @Test
    void anUnknownFlagFailsWithOneLine() {
        Launcher.Launch l = launch("--no-such-flag", "1");
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        assertTrue(err().startsWith("berth: Unknown options: '--no-such-flag'"), err());
        assertEquals(1, err().split("\n").length);
    }

    @Test
    void anUnknownProtocolIsNamed() {
        Launcher.Launch l = launch("--protocols", "gopher");
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        assertTrue(err().startsWith("berth: invalid value for --protocols: 'gopher' is not a protocol module on the class path"),
                err());
    }

    @Test
    void aPortInUseExitsWithTheStartCodeAndOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Launcher.Launch l = launch("--host", "127.0.0.1", "--upper-port", String.valueOf(taken.getLocalPort()),
                    "--data-dir", dir.toString());
            assertNull(l.server);
            assertEquals(Launcher.EXIT_START, l.exitCode);
            assertEquals("berth: listener upper: cannot bind tcp://127.0.0.1:" + taken.getLocalPort()
                    + ": Address already in use\n", err());
        }
    }

    @Test
    void proxyProtocolWithoutTrustedSourcesIsAConfigurationError() {
        Launcher.Launch l = launch("--host", "127.0.0.1", "--upper-port", "0", "--upper-proxy-protocol", "on");
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        assertEquals("berth: --upper-proxy-protocol on needs --upper-proxy-trusted with at least one address block\n",
                err());
    }

    @Test
    void anUnknownTransportIsNamed() {
        Launcher.Launch l = launch("--transport", "carrier-pigeon");
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        assertEquals("berth: invalid value for --transport: 'carrier-pigeon' is not one of auto, epoll, io-uring, nio\n",
                err());
    }
}
