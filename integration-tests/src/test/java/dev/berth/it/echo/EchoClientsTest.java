package dev.berth.it.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.Listener;
import dev.berth.it.support.Program;
import dev.berth.it.support.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployed server-echo jar against socat and ncat: plain TCP, UDP and TLS echo, and the
 * greeting service, each case checking the exact bytes the client printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EchoClientsTest {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private final Program socat = Program.require("socat", "socat");
    private final Program ncat = Program.require("ncat", "ncat");
    private TestPki pki;
    private DeployedServer plain;
    private DeployedServer tls;

    @BeforeAll
    void deploy() {
        pki = TestPki.create(dir.resolve("pki"));
        plain = DeployedServer.of("server-echo", dir.resolve("plain"))
                .listener("echo").listener("echo-udp").listener("greeting").start();
        tls = pki.configure(DeployedServer.of("server-echo", dir.resolve("tls"))
                .listener("echo").flag("echo-tls", "implicit").flag("echo-udp-enabled", "false")
                .flag("greeting-enabled", "false")).start();
    }

    @AfterAll
    void stop() {
        // Each stop checks the graceful exit: SIGTERM, exit code 0, nothing left running.
        DeployedServer.stopAll(plain, tls);
    }

    /** Every byte value, then pseudo-random bytes: large enough to need many reads and writes. */
    private static byte[] payload(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        for (int i = 0; i < 256 && i < size; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void socatGetsEveryByteBackOverTcpAfterItShutsDownItsSendingSide() {
        byte[] sent = payload(256 * 1024);
        Program.Result r = socat.args("-t", "30", "-", "TCP:" + plain.listener("echo").hostPort())
                .stdin(sent).timeout(CLIENT_TIMEOUT).run().assertSuccess();
        assertArrayEquals(sent, r.stdoutBytes(), "socat got back exactly what it sent");
    }

    @Test
    void ncatGetsEveryByteBackOverTcpAfterItShutsDownItsSendingSide() {
        byte[] sent = payload(128 * 1024);
        Program.Result r = ncat.args(plain.listener("echo").host(), String.valueOf(plain.port("echo")))
                .stdin(sent).timeout(CLIENT_TIMEOUT).run().assertSuccess();
        assertArrayEquals(sent, r.stdoutBytes(), "ncat got back exactly what it sent");
    }

    @Test
    void socatGetsItsUdpDatagramBackUnchanged() {
        byte[] sent = payload(1200);
        Program.Result r = socat.args("-t", "3", "-", "UDP:" + plain.listener("echo-udp").hostPort())
                .stdin(sent).timeout(CLIENT_TIMEOUT).run().assertSuccess();
        assertArrayEquals(sent, r.stdoutBytes(), "socat got its datagram back");
    }

    @Test
    void ncatGetsItsUdpDatagramBackUnchanged() {
        byte[] sent = "one datagram from ncat\n".getBytes(StandardCharsets.US_ASCII);
        Listener udp = plain.listener("echo-udp");
        // ncat ends a UDP session when its input ends, so the input stays open until the answer is in.
        Program.Result r = ncat.args("-u", "--idle-timeout", "5s", udp.host(), String.valueOf(udp.port()))
                .stdin(sent).holdStdinUntilOutput(sent.length).timeout(CLIENT_TIMEOUT).run();
        assertArrayEquals(sent, r.stdoutBytes(), () -> "ncat got its datagram back\n" + r.describe());
    }

    @Test
    void socatVerifiesTheChainAndGetsEveryByteBackOverTls() {
        byte[] sent = payload(64 * 1024);
        // socat checks the certificate against the root and the name "localhost" by default.
        Program.Result r = socat.args("-t", "30", "-", "OPENSSL:localhost:" + tls.port("echo")
                        + ",cafile=" + pki.rootCa() + ",pf=ip4")
                .stdin(sent).holdStdinUntilOutput(sent.length).timeout(CLIENT_TIMEOUT).run().assertSuccess();
        assertArrayEquals(sent, r.stdoutBytes(), "socat got back exactly what it sent over TLS");
    }

    @Test
    void socatThatEndsItsInputWithCloseNotifyAtOnceStillGetsItsEchoOverTls13AndTls12() {
        // `echo hi | socat - OPENSSL:...`: the data and the close_notify leave together; TLS 1.3 (RFC 8446 6.1)
        // lets the client read on after it, and the server's default library (OpenSSL) must still answer.
        for (String version : new String[] {"openssl-min-proto-version=TLS1.3", "openssl-max-proto-version=TLS1.2"}) {
            for (int i = 0; i < 3; i++) {
                String line = "said just before close_notify, " + version + " #" + i + "\n";
                Program.Result r = socat.args("-t", "30", "-", "OPENSSL:127.0.0.1:" + tls.port("echo") + ",verify=0," + version)
                        .stdin(line).timeout(CLIENT_TIMEOUT).run().assertSuccess();
                assertEquals(line, r.stdout(), r::describe);
            }
        }
    }

    @Test
    void ncatVerifiesTheChainAndGetsEveryByteBackOverTls() {
        byte[] sent = payload(16 * 1024);
        // Over TLS ncat does not half-close when its input ends; the idle timeout ends it once the echo
        // is in. It counts from the last input too, so it is long enough for a slow echo on a busy machine.
        Program.Result r = ncat.args("--ssl", "--ssl-verify", "--ssl-trustfile", pki.rootCa().toString(), "-4",
                        "--idle-timeout", "15s", "localhost", String.valueOf(tls.port("echo")))
                .stdin(sent).holdStdinUntilOutput(sent.length).timeout(CLIENT_TIMEOUT).run();
        assertArrayEquals(sent, r.stdoutBytes(), () -> "ncat got back exactly what it sent over TLS\n" + r.describe());
    }

    @Test
    void ncatIsRefusedWhenItTrustsADifferentCertificateAuthority() {
        TestPki other = TestPki.create(dir.resolve("other-pki"));
        Program.Result r = ncat.args("--ssl", "--ssl-verify", "--ssl-trustfile", other.rootCa().toString(), "-4",
                        "localhost", String.valueOf(tls.port("echo")))
                .stdin("never echoed\n").timeout(CLIENT_TIMEOUT).run();
        assertTrue(r.exitCode() != 0 && r.stdout().isEmpty(), () -> "ncat refused the unknown chain\n" + r.describe());
    }

    @Test
    void ncatIsGreetedWithTheTimeAndGetsItsLineRepeated() {
        Listener greeting = plain.listener("greeting");
        Program.Result r = ncat.args(greeting.host(), String.valueOf(greeting.port()))
                .stdin("hello from ncat\r\n").timeout(CLIENT_TIMEOUT).run().assertSuccess();
        String[] lines = r.stdout().split("\r\n", -1);
        assertEquals(3, lines.length, () -> "two CRLF lines, then the close\n" + r.describe());
        assertTrue(lines[0].matches("Hello! The time is \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)"),
                () -> "the greeting tells the time: " + lines[0]);
        assertEquals("You have sent: [hello from ncat]", lines[1]);
        assertEquals("", lines[2]);
    }
}
