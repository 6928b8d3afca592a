package dev.berth.it.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.Pebble;
import dev.berth.it.support.Ports;
import dev.berth.it.support.Program;
import dev.berth.it.support.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates from a real ACME server: Debian's pebble, with its mock DNS sending the test domains to
 * 127.0.0.1, validating HTTP-01 against the deployed {@code berth.jar}'s plaintext HTTP listener; then
 * curl and {@code openssl s_client}, trusting only pebble's root, verify what HTTPS and SMTP STARTTLS serve.
 */
class AcmePebbleTest {
    private static final String DOMAINS = "berth.test,mail.berth.test";

    @TempDir
    Path dir;

    private static DeployedServer.Builder berth(Path workDir, int httpPort, Pebble pebble) {
        return DeployedServer.of("distribution", workDir).flag("http-port", String.valueOf(httpPort))
                .listener("https").listener("smtp")
                .flag("echo-enabled", "false").flag("echo-udp-enabled", "false").flag("greeting-enabled", "false")
                .flag("acme-domains", DOMAINS).flag("acme-directory", pebble.directory())
                .flag("acme-directory-ca", pebble.directoryCa().toString()).flag("acme-agree-tos", "true")
                .flag("acme-email", "ops@berth.test");
    }

    private static void await(String what, Supplier<Boolean> condition, Duration limit, Supplier<String> context) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                fail(what + " within " + limit + "\n" + context.get());
            }
            Thread.sleep(200);
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static Program.Result curl(Path root, String host, int port) {
        return Program.require("curl", "curl").args("-sS", "--cacert", root.toString(), "--resolve",
                host + ":" + port + ":127.0.0.1", "-o", "/dev/null", "-w", "%{http_code}",
                "https://" + host + ":" + port + "/").timeout(Duration.ofSeconds(30)).run();
    }

    /** The served leaf's serial and the verification result, by openssl s_client (STARTTLS when smtp). */
    private static String sClient(Path root, String host, int port, boolean smtp) {
        List<String> args = new ArrayList<>(List.of("s_client", "-connect", "127.0.0.1:" + port, "-servername", host,
                "-CAfile", root.toString(), "-verify_hostname", host, "-verify_return_error", "-brief"));
        if (smtp) {
            args.addAll(List.of("-starttls", "smtp"));
        }
        Program.Result r = Program.require("openssl", "openssl").args(args).stdin("").timeout(Duration.ofSeconds(30)).run();
        return r.stdout() + r.stderr();
    }

    private static String serial(Path root, String host, int port) {
        Program.Result r = Program.require("openssl", "openssl").args("s_client", "-connect", "127.0.0.1:" + port,
                "-servername", host, "-CAfile", root.toString()).stdin("").timeout(Duration.ofSeconds(30)).run();
        Program.Result x = Program.require("openssl", "openssl").args("x509", "-noout", "-serial")
                .stdin(r.stdout()).timeout(Duration.ofSeconds(30)).run().assertSuccess();
        return x.stdout().trim();
    }

    @Test
    void http01GetsOneCertificateForHttpsAndSmtpStartTlsAndARestartServesItWithoutTheAcmeServer() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        int httpPort = Ports.freeLoopbackPort();
        Path root = dir.resolve("pebble-root.pem");
        Path workDir = dir.resolve("berth");
        String directory;
        try (Pebble pebble = Pebble.start(dir.resolve("pebble"), pki, httpPort, Ports.freeLoopbackPort(), Duration.ofDays(90))) {
            directory = pebble.directory();
            try (DeployedServer berth = berth(workDir, httpPort, pebble).start()) {
                assertTrue(berth.log().contains("serving the self-signed certificate until one is issued"),
                        "until the first certificate, the self-signed default is served, and the log says so");
                await("both TLS listeners serve the issued certificate",
                        () -> count(berth.log(), "serve the ACME certificate for berth.test, mail.berth.test") == 2,
                        Duration.ofSeconds(90), () -> berth.tail() + "\npebble:\n" + pebble.log());
                pebble.issuingRoot(root);

                assertEquals("200", curl(root, "berth.test", berth.port("https")).assertSuccess().stdout(),
                        "curl trusting only pebble's root verifies the HTTPS chain for berth.test");
                String smtp = sClient(root, "mail.berth.test", berth.port("smtp"), true);
                assertTrue(smtp.contains("Verification: OK"), "SMTP STARTTLS serves the same verified chain:\n" + smtp);
                assertTrue(berth.log().contains("proved by http-01"), berth.tail());
                berth.stop();
            }
            Path acme = workDir.resolve("data/acme/127.0.0.1_" + pebble.port());
            for (Path secret : List.of(acme.resolve("account-key.pem"), acme.resolve("berth.test/key.pem"))) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)),
                        secret + " is readable by its owner only");
            }
        }
        // Pebble is gone: a restart serves the stored certificate at once, without asking it.
        try (DeployedServer again = DeployedServer.of("distribution", workDir).flag("http-port", String.valueOf(Ports.freeLoopbackPort()))
                .listener("https").listener("smtp")
                .flag("echo-enabled", "false").flag("echo-udp-enabled", "false").flag("greeting-enabled", "false")
                .flag("acme-domains", DOMAINS).flag("acme-directory", directory)
                .flag("acme-directory-ca", dir.resolve("pki").resolve("root.pem").toString())
                .flag("acme-agree-tos", "true").start()) {
            assertEquals("200", curl(root, "berth.test", again.port("https")).assertSuccess().stdout());
            Thread.sleep(1000);
            String log = again.log();
            assertTrue(log.contains("ACME: serving the stored certificate for berth.test, mail.berth.test"), log);
            assertFalse(log.contains("attempt 1 failed"), "nothing asked the ACME server:\n" + log);
            again.stop();
        }
    }

    @Test
    void aShortLivedCertificateIsRenewedAndNoHandshakeFailsDuringTheSwap() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        int httpPort = Ports.freeLoopbackPort();
        // 45 s certificates: renewal is due with a third left, 30 s after issue.
        try (Pebble pebble = Pebble.start(dir.resolve("pebble"), pki, httpPort, Ports.freeLoopbackPort(), Duration.ofSeconds(45));
             DeployedServer berth = berth(dir.resolve("berth"), httpPort, pebble).start()) {
            await("the first certificate is served", () -> count(berth.log(), "serve the ACME certificate") >= 2,
                    Duration.ofSeconds(90), berth::tail);
            Path root = pebble.issuingRoot(dir.resolve("pebble-root.pem"));
            String first = serial(root, "berth.test", berth.port("https"));

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger handshakes = new AtomicInteger();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread loop = new Thread(() -> {
                Instant stop = Instant.now().plusSeconds(120);
                while (running.get() && Instant.now().isBefore(stop)) {
                    Program.Result r = curl(root, "berth.test", berth.port("https"));
                    handshakes.incrementAndGet();
                    if (r.exitCode() != 0 || !r.stdout().equals("200")) {
                        failures.add(r.describe());
                    }
                }
            }, "handshake-loop");
            loop.start();
            try {
                await("a renewal is issued and served", () -> count(berth.log(), "ACME: issued a certificate") >= 2
                        && count(berth.log(), "serve the ACME certificate") >= 4, Duration.ofSeconds(100), berth::tail);
                Thread.sleep(1000);
            } finally {
                running.set(false);
                loop.join(60_000);
            }
            assertTrue(berth.log().contains("is due for renewal"), berth.tail());
            assertNotEquals(first, serial(root, "berth.test", berth.port("https")), "new handshakes get the renewed certificate");
            assertTrue(handshakes.get() > 0);
            assertEquals(List.of(), failures, "no handshake failed across the swap (" + handshakes.get() + " made)");
            berth.stop();
        }
    }

    @Test
    void tlsAlpn01OnTheHttpsListenerGetsTheCertificateWhenNoPlaintextListenerIsOpen() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        int httpsPort = Ports.freeLoopbackPort();
        try (Pebble pebble = Pebble.start(dir.resolve("pebble"), pki, Ports.freeLoopbackPort(), httpsPort, Duration.ofDays(90));
             DeployedServer berth = DeployedServer.of("distribution", dir.resolve("berth"))
                     .flag("https-port", String.valueOf(httpsPort)).flag("http-enabled", "false").listener("smtp")
                     .flag("echo-enabled", "false").flag("echo-udp-enabled", "false").flag("greeting-enabled", "false")
                     .flag("acme-domains", DOMAINS).flag("acme-directory", pebble.directory())
                     .flag("acme-directory-ca", pebble.directoryCa().toString()).flag("acme-agree-tos", "true").start()) {
            await("both TLS listeners serve the issued certificate",
                    () -> count(berth.log(), "serve the ACME certificate for berth.test, mail.berth.test") == 2,
                    Duration.ofSeconds(90), () -> berth.tail() + "\npebble:\n" + pebble.log());
            Path root = pebble.issuingRoot(dir.resolve("pebble-root.pem"));
            assertEquals("200", curl(root, "berth.test", httpsPort).assertSuccess().stdout());
            String log = berth.log();
            assertTrue(log.contains("ACME: berth.test proved by tls-alpn-01") && log.contains("ACME: mail.berth.test proved by tls-alpn-01"), log);
            assertFalse(log.contains("acme-tls/1") && log.contains("ERROR"),
                    "the validation handshakes end quietly, without reaching the HTTP protocol:\n" + log);
            berth.stop();
        }
    }

    @Test
    void rejectedNoncesAreRetriedAndAStoppedAcmeServerMeansGrowingWaitsTheOldCertificateServedAndRecovery() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        int httpPort = Ports.freeLoopbackPort();
        int pebblePort = Ports.freeLoopbackPort();
        Pebble pebble = Pebble.start(dir.resolve("pebble"), pki, httpPort, Ports.freeLoopbackPort(), Duration.ofSeconds(60),
                pebblePort, 40);
        try (DeployedServer berth = berth(dir.resolve("berth"), httpPort, pebble)
                .flag("acme-retry-first", "2s").flag("acme-retry-max", "8s").start()) {
            await("a certificate is issued although pebble rejects 40% of good nonces",
                    () -> count(berth.log(), "serve the ACME certificate") >= 2, Duration.ofSeconds(90),
                    () -> berth.tail() + "\npebble:\n" + pebble.log());
            Path root = pebble.issuingRoot(dir.resolve("pebble-root.pem"));
            String first = serial(root, "berth.test", berth.port("https"));
            pebble.close();

            // Renewal is due 40 s into the 60 s lifetime; with pebble gone each attempt fails and the wait grows.
            await("three failed renewals", () -> count(berth.log(), "failed):") >= 3, Duration.ofSeconds(90), berth::tail);
            List<Long> waits = new ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("failed\\): .*; next attempt in PT([0-9.]+)S")
                    .matcher(berth.log());
            while (m.find()) {
                waits.add((long) (Double.parseDouble(m.group(1)) * 1000));
            }
            assertTrue(waits.size() >= 3 && waits.get(0) <= 2_400 && waits.get(1) >= 3_200 && waits.get(2) >= 6_400
                    && waits.stream().allMatch(w -> w <= 9_600), "2 s, 4 s, then 8 s at most, each ±20%: " + waits);
            assertEquals(first, serial(root, "berth.test", berth.port("https")), "the current certificate is still served");
            assertEquals("200", curl(root, "berth.test", berth.port("https")).assertSuccess().stdout());

            try (Pebble back = Pebble.start(dir.resolve("pebble2"), pki, httpPort, Ports.freeLoopbackPort(),
                    Duration.ofSeconds(60), pebblePort, 0)) {
                await("the renewal succeeds once pebble is back", () -> count(berth.log(), "ACME: issued a certificate") >= 2,
                        Duration.ofSeconds(60), () -> berth.tail() + "\npebble:\n" + back.log());
                Path newRoot = back.issuingRoot(dir.resolve("pebble2-root.pem"));
                await("the renewed certificate is served", () -> count(berth.log(), "serve the ACME certificate") >= 4,
                        Duration.ofSeconds(30), berth::tail);
                assertEquals("200", curl(newRoot, "berth.test", berth.port("https")).assertSuccess().stdout());
                assertEquals(1, count(berth.log(), "made a new account key"),
                        "the account key is made once and kept; the new pebble gets an account for the same key");
                berth.stop();
            }
        } finally {
            pebble.close();
        }
    }
}
