package dev.berth.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.launcher.Launcher;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.tls.TlsMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Echo with implicit TLS and the greeting with optional TLS, as {@code --echo-tls implicit
 * --greeting-tls optional} start them, talked to with socat and {@code openssl s_client}.
 */
@Timeout(60)
class TlsTest {
    @TempDir
    static Path dir;

    private static Launcher.Launch launch;
    private static String echoPort;
    private static String greetingPort;

    @BeforeAll
    static void start() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        launch = Launcher.launch(new String[] {"--host", "127.0.0.1", "--protocols", "echo,greeting",
                "--echo-port", "0", "--echo-udp-enabled", "false", "--greeting-port", "0",
                "--echo-tls", "implicit", "--greeting-tls", "optional", "--data-dir", dir.toString(),
                "--log-level", "warn"}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        echoPort = String.valueOf(launch.server.localAddress("echo").getPort());
        greetingPort = String.valueOf(launch.server.localAddress("greeting").getPort());
    }

    @AfterAll
    static void stop() {
        if (launch != null && launch.server != null) {
            launch.server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void opensslSClientGetsItsLinesBackOverImplicitTls() throws Exception {
        try (Cli openssl = Cli.start("openssl", "s_client", "-connect", "127.0.0.1:" + echoPort, "-quiet")) {
            openssl.send("first over tls\n");
            assertEquals("first over tls\n", text(openssl.awaitOutput(15)));
            openssl.send("second\n");
            assertEquals("first over tls\nsecond\n", text(openssl.awaitOutput(22)));
        }
    }

    @Test
    void socatGetsItsBytesBackOverImplicitTls() throws Exception {
        // shut-none: the client leaves the session open at the end of its input (sends no close_notify),
        // so it waits the -t time for the echo and then leaves.
        String out = text(Cli.run("echo over socat tls\n", "socat", "-t", "5", "-",
                "OPENSSL:127.0.0.1:" + echoPort + ",verify=0,shut-none"));
        assertEquals("echo over socat tls\n", out);
    }

    @Test
    void withTheJdkTlsLibraryAClientThatEndsItsInputWithCloseNotifyStillGetsTheRestOfItsEcho() throws Exception {
        // TLS 1.3 lets a peer close only its own side; the JDK's engine keeps the server's side open
        // (netty-tcnative's closes both, which the echo's TlsRecordSplitter works around), so socat's plain end of input works here.
        Launcher.Launch jdk = Launcher.launch(new String[] {"--host", "127.0.0.1", "--protocols", "echo",
                "--echo-port", "0", "--echo-udp-enabled", "false", "--echo-tls", "implicit", "--tls-provider", "jdk",
                "--data-dir", dir.toString(), "--log-level", "warn"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), System.err);
        try {
            String out = text(Cli.run("said just before close_notify\n", "socat", "-t", "30", "-",
                    "OPENSSL:127.0.0.1:" + jdk.server.localAddress("echo").getPort() + ",verify=0"));
            assertEquals("said just before close_notify\n", out);
        } finally {
            jdk.server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aTls13ClientThatEndsItsInputWithCloseNotifyStillGetsItsEchoWithTheDefaultLibrary() throws Exception {
        // socat sends its last data and close_notify together at the end of its input; TLS 1.3 lets it read on.
        for (int i = 0; i < 5; i++) {
            String out = text(Cli.run("said just before close_notify " + i + "\n", "socat", "-t", "30", "-",
                    "OPENSSL:127.0.0.1:" + echoPort + ",verify=0,openssl-min-proto-version=TLS1.3"));
            assertEquals("said just before close_notify " + i + "\n", out);
        }
    }

    @Test
    void aTls12ClientThatEndsItsInputWithCloseNotifyStillGetsItsEchoWithTheDefaultLibrary() throws Exception {
        for (int i = 0; i < 5; i++) {
            String out = text(Cli.run("tls 1.2 then close_notify " + i + "\n", "socat", "-t", "30", "-",
                    "OPENSSL:127.0.0.1:" + echoPort + ",verify=0,openssl-max-proto-version=TLS1.2"));
            assertEquals("tls 1.2 then close_notify " + i + "\n", out);
        }
    }

    @Test
    void onAnOptionalTlsEchoATls13ClientEndingWithCloseNotifyAndAPlaintextClientBothGetTheirEcho() throws Exception {
        Launcher.Launch optional = Launcher.launch(new String[] {"--host", "127.0.0.1", "--protocols", "echo",
                "--echo-port", "0", "--echo-udp-enabled", "false", "--echo-tls", "optional", "--admin-enabled", "false",
                "--data-dir", dir.toString(), "--log-level", "warn"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), System.err);
        try {
            String port = String.valueOf(optional.server.localAddress("echo").getPort());
            assertEquals("sniffed as tls\n", text(Cli.run("sniffed as tls\n", "socat", "-t", "30", "-",
                    "OPENSSL:127.0.0.1:" + port + ",verify=0,openssl-min-proto-version=TLS1.3")));
            assertEquals("sniffed as plaintext\n", text(Cli.run("sniffed as plaintext\n", "socat", "-t", "30", "-",
                    "TCP:127.0.0.1:" + port)));
        } finally {
            optional.server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aPlaintextClientIsNotServedOnTheImplicitTlsEcho() throws Exception {
        String out = text(Cli.run("plain\n", "socat", "-t", "30", "-", "TCP:127.0.0.1:" + echoPort));
        assertEquals("", out);
    }

    @Test
    void opensslSClientIsGreetedAndAnsweredOverTlsOnTheOptionalListener() throws Exception {
        String out = text(Cli.run("secret\n", "openssl", "s_client", "-connect", "127.0.0.1:" + greetingPort, "-quiet"));
        assertTrue(out.matches(GreetingOverTcpTest.GREETING + "You have sent: \\[secret]\r\n"), out);
    }

    @Test
    void socatOverTlsIsGreetedAndAnsweredOnTheOptionalListener() throws Exception {
        String out = text(Cli.run("tls by socat\n", "socat", "-t", "30", "-",
                "OPENSSL:127.0.0.1:" + greetingPort + ",verify=0,shut-none"));
        assertTrue(out.matches(GreetingOverTcpTest.GREETING + "You have sent: \\[tls by socat]\r\n"), out);
    }

    @Test
    void withImplicitTlsTheGreetingWaitsForTheHandshakeAndReachesOpensslSClient() throws Exception {
        Server implicit = Server.builder().dataDirectory(dir).module(new GreetingModule())
                .listener(ListenerConfig.tcp("greeting").host("127.0.0.1").tlsMode(TlsMode.IMPLICIT).build())
                .build().start();
        try {
            String port = String.valueOf(implicit.localAddress("greeting").getPort());
            String out = text(Cli.run("implicit\n", "openssl", "s_client", "-connect", "127.0.0.1:" + port, "-quiet"));
            assertTrue(out.matches(GreetingOverTcpTest.GREETING + "You have sent: \\[implicit]\r\n"), out);
        } finally {
            implicit.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aPlaintextClientIsGreetedAndAnsweredOnTheSameOptionalListener() throws Exception {
        String out = text(Cli.run("in the clear\n", "socat", "-t", "30", "-", "TCP:127.0.0.1:" + greetingPort));
        assertTrue(out.matches(GreetingOverTcpTest.GREETING + "You have sent: \\[in the clear]\r\n"), out);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
