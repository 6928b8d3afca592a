package dev.berth.it.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.Program;
import dev.berth.it.support.TestPki;
import dev.berth.it.support.TestsslReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * testssl.sh audits the deployed HTTPS listener and the SMTP STARTTLS listener, both at once
 * (it is slow): nothing rated MEDIUM or worse, nothing below TLS 1.2, no cipher outside the policy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsAuditTest {
    /** Mozilla's intermediate TLS 1.2 suites: forward secrecy and AEAD only (OpenSSL names, as testssl prints them). */
    private static final Pattern TLS12_POLICY = Pattern.compile(
            "(ECDHE|DHE)-(ECDSA|RSA)-(AES128-GCM-SHA256|AES256-GCM-SHA384|CHACHA20-POLY1305)");
    private static final Pattern TLS13_POLICY = Pattern.compile(
            "TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)");

    @TempDir
    static Path dir;

    private TestPki pki;
    private DeployedServer http;
    private DeployedServer smtp;
    private TestsslReport https;
    private TestsslReport starttls;

    @BeforeAll
    void audit() {
        pki = TestPki.create(dir.resolve("pki"));
        http = pki.configure(DeployedServer.of("server-http", dir.resolve("http")).listener("https")
                .flag("http-enabled", "false")).start();
        smtp = pki.configure(DeployedServer.of("server-smtp", dir.resolve("smtp")).listener("smtp")).start();
        Program.Running a = testssl("https", List.of(), http.port("https"));
        Program.Running b = testssl("smtp", List.of("--starttls", "smtp"), smtp.port("smtp"));
        Program.Result ra = a.await();
        Program.Result rb = b.await();
        https = report("https", ra);
        starttls = report("smtp", rb);
    }

    @AfterAll
    void stop() {
        // Each stop checks the graceful exit: SIGTERM, exit code 0, nothing left running.
        DeployedServer.stopAll(http, smtp);
    }

    /**
     * The TLS checks (protocols, cipher categories, forward secrecy, certificate and server
     * defaults, known vulnerabilities), with the slow ones left out: no per-cipher probing
     * (--fast), no client simulation, no server cipher order. HTTP header checks are left out too:
     * they judge the application's headers, not its TLS.
     */
    private Program.Running testssl(String name, List<String> extra, int port) {
        List<String> args = new ArrayList<>(List.of("--quiet", "--fast", "--color", "0", "--warnings", "off",
                "--openssl-timeout", "10", "--add-ca", pki.rootCa().toString(), "--ip", "127.0.0.1",
                "--jsonfile", dir.resolve(name + ".json").toString(),
                "--protocols", "--std", "--fs", "--server-defaults", "--vulnerable"));
        args.addAll(extra);
        args.add("localhost:" + port);
        return Program.require("testssl", "testssl.sh").args(args).timeout(Duration.ofMinutes(12)).start();
    }

    private TestsslReport report(String name, Program.Result run) {
        TestsslReport r = TestsslReport.read(dir.resolve(name + ".json"));
        if (r.size() < 20) {
            fail("testssl found almost nothing on " + name + ": did it connect?\n" + run.describe());
        }
        return r;
    }

    private static void assertNothingSerious(TestsslReport r) {
        assertEquals(List.of(), r.serious(), () -> "no finding rated MEDIUM or worse; all findings:\n" + r.describe());
    }

    private static void assertOnlyTls12And13(TestsslReport r) {
        for (String old : new String[] {"SSLv2", "SSLv3", "TLS1", "TLS1_1"}) {
            String f = r.finding(old).orElseGet(() -> fail("testssl did not check " + old + "\n" + r.describe()));
            assertTrue(f.startsWith("not offered"), () -> old + " is not offered, but testssl says: " + f);
        }
        assertTrue(r.finding("TLS1_2").orElse("").startsWith("offered"), r::describe);
        assertTrue(r.finding("TLS1_3").orElse("").startsWith("offered"), r::describe);
    }

    private static void assertCiphersWithinPolicy(TestsslReport r) {
        for (String category : new String[] {"NULL", "aNULL", "EXPORT", "LOW", "3DES_IDEA", "AVERAGE"}) {
            String f = r.finding("cipherlist_" + category).orElseGet(() -> fail("testssl did not check " + category));
            assertTrue(f.startsWith("not offered"), () -> category + " ciphers are not offered, but testssl says: " + f);
        }
        String fs = r.finding("PFS_ciphers").orElseGet(() -> fail("testssl listed no forward-secret cipher\n" + r.describe()));
        for (String cipher : fs.trim().split("\\s+")) {
            assertTrue(TLS12_POLICY.matcher(cipher).matches() || TLS13_POLICY.matcher(cipher).matches(),
                    () -> cipher + " is outside the policy: " + fs);
        }
    }

    @Test
    void httpsHasNoFindingRatedMediumOrWorse() {
        assertNothingSerious(https);
    }

    @Test
    void httpsOffersOnlyTls12AndTls13() {
        assertOnlyTls12And13(https);
    }

    @Test
    void httpsOffersOnlyForwardSecretAeadCiphers() {
        assertCiphersWithinPolicy(https);
    }

    @Test
    void smtpStartTlsHasNoFindingRatedMediumOrWorse() {
        assertNothingSerious(starttls);
    }

    @Test
    void smtpStartTlsOffersOnlyTls12AndTls13() {
        assertOnlyTls12And13(starttls);
    }

    @Test
    void smtpStartTlsOffersOnlyForwardSecretAeadCiphers() {
        assertCiphersWithinPolicy(starttls);
    }
}
