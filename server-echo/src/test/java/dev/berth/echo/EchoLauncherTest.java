package dev.berth.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.launcher.Launcher;
import dev.berth.core.testing.LineClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Both modules as the runnable jar starts them: found on the class path, configured by flags. */
@Timeout(60)
class EchoLauncherTest {
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

    @Test
    void helpListsTheListenerFlagsOfBothProtocolsAndTheGreetingsOwn() {
        Launcher.Launch l = launch("--help");
        assertEquals(0, l.exitCode);
        String help = out.toString(StandardCharsets.UTF_8);
        for (String flag : new String[] {"--echo-port", "--echo-tls", "--echo-udp-port", "--echo-udp-max-datagram-size",
                "--greeting-port", "--greeting-tls", "--greeting-time-format", "--greeting-time-zone",
                "--greeting-max-message", "--greeting-timeout"}) {
            assertTrue(help.contains(flag), flag + " is in --help");
        }
        assertTrue(help.contains("Default: 7007") && help.contains("Default: 7013"), "the default ports are shown");
    }

    @Test
    void withPortZeroTheLauncherServesTcpEchoUdpEchoAndTheGreeting() throws Exception {
        Launcher.Launch l = launch("--host", "127.0.0.1", "--protocols", "echo,greeting", "--echo-port", "0",
                "--echo-udp-port", "0", "--greeting-port", "0", "--greeting-time-zone", "UTC",
                "--data-dir", dir.toString(), "--log-level", "warn");
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        try (LineClient c = new LineClient(l.server.localAddress("echo"))) {
            assertEquals("tcp echo", c.send("tcp echo\r\n").readLine());
        }
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(20_000);
            byte[] b = "udp echo".getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(b, b.length, l.server.localAddress("echo-udp")));
            DatagramPacket p = new DatagramPacket(new byte[64], 64);
            s.receive(p);
            assertEquals("udp echo", new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
        }
        try (LineClient c = new LineClient(l.server.localAddress("greeting"))) {
            assertTrue(c.readLine().matches("Hello! The time is \\S+Z"));
            assertEquals("You have sent: [launched]", c.send("launched\n").readLine());
        }
    }

    @Test
    void aBadGreetingFlagStopsTheStartWithOneLineNamingIt() {
        Launcher.Launch l = launch("--host", "127.0.0.1", "--protocols", "greeting", "--greeting-port", "0",
                "--greeting-time-format", "yyyy-MM-dd {", "--data-dir", dir.toString());
        assertNull(l.server);
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.startsWith("berth: invalid value for --greeting-time-format: 'yyyy-MM-dd {'"), e);
        assertEquals(1, e.strip().lines().count(), e);
    }

    @Test
    void starttlsIsRefusedForEchoWhichHasNoCommandToStartTlsWith() {
        Launcher.Launch l = launch("--host", "127.0.0.1", "--protocols", "echo", "--echo-port", "0",
                "--echo-udp-port", "0", "--echo-tls", "starttls", "--data-dir", dir.toString());
        assertNull(l.server);
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals("berth: listener echo: protocol echo cannot serve TLS mode starttls; it serves none, implicit, "
                + "optional (--echo-tls)\n", e);
        assertEquals(1, e.strip().lines().count(), e);
    }
}
