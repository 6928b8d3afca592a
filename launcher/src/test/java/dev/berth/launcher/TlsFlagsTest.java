package dev.berth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.BerthException;
import dev.berth.core.tls.OpenSslClient;
import dev.berth.core.tls.SniEntry;
import dev.berth.core.tls.TestPki;
import dev.berth.core.tls.TlsClientAuth;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsLibrary;
import dev.berth.core.tls.TlsPolicy;
import dev.berth.core.launch.ModuleSettings;
import dev.berth.core.launch.TlsOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code --tls-*} flags: what they build, how they fail, and the documented example end to end. */
class TlsFlagsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Launcher.Launch launch(String... args) {
        return Launcher.launch(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void theFlagsBuildTheConfiguration() {
        TlsConfig c = TlsOptions.fromSettings(new ModuleSettings(Map.of(
                "tls-cert", "chain.pem", "tls-key", "key.pem",
                "tls-sni", "mail.example.com=mail.pem:mail.key, *.example.org=org.pem",
                "tls-client-auth", "optional", "tls-client-ca", "ca.pem", "tls-provider", "jdk",
                "tls-allow-expired", "true", "tls-reload-interval", "0s", "tls-policy", "modern")));
        assertEquals(Path.of("chain.pem"), c.certificateChain().orElseThrow());
        assertEquals(2, c.sniEntries().size());
        assertEquals("mail.example.com", c.sniEntries().get(0).hostName());
        assertEquals(Path.of("mail.key"), c.sniEntries().get(0).privateKey().orElseThrow());
        assertEquals("*.example.org", c.sniEntries().get(1).hostName());
        assertTrue(c.sniEntries().get(1).privateKey().isEmpty(), "the key is appended to org.pem");
        assertEquals(TlsClientAuth.OPTIONAL, c.clientAuth());
        assertEquals(TlsLibrary.JDK, c.library());
        assertTrue(c.allowExpired());
        assertEquals(Duration.ZERO, c.reloadInterval());
        assertEquals(TlsPolicy.MODERN, c.policy());
    }

    @Test
    void badFlagValuesFailNamingTheFlag() {
        assertEquals("invalid value for --tls-sni: 'example.com' is not HOST=CHAIN.pem or HOST=CHAIN.pem:KEY.pem",
                fails(Map.of("tls-sni", "example.com")));
        assertTrue(fails(Map.of("tls-sni", "a*.example.com=x.pem")).startsWith("invalid value for --tls-sni:"));
        assertEquals("invalid value for --tls-provider: 'boring' is not one of auto, openssl, jdk",
                fails(Map.of("tls-provider", "boring")));
        assertEquals("invalid value for --tls-policy: 'old' is not one of intermediate, modern",
                fails(Map.of("tls-policy", "old")));
        assertTrue(fails(Map.of("tls-client-auth", "required", "tls-cert", "c.pem"))
                .startsWith("--tls-client-auth required needs --tls-client-ca"));
        assertEquals("invalid value for --tls-handshake-timeout: '0s' is not a positive duration such as 10s",
                fails(Map.of("tls-handshake-timeout", "0s")));
        assertEquals("--tls-key is given but --tls-cert is not", fails(Map.of("tls-key", "k.pem")),
                "the flag path names the flags, not the builder's settings");
        assertEquals("--tls-cert2 is given but --tls-cert is not", fails(Map.of("tls-cert2", "c2.pem")));
        assertEquals("--tls-key2 is given but --tls-cert2 is not", fails(Map.of("tls-cert", "c.pem", "tls-key2", "k2.pem")));
    }

    @Test
    void theAcmeFlagsMakeOneAcmeConfigAndAMissingOneIsNamed() {
        TlsConfig c = TlsOptions.fromSettings(new ModuleSettings(Map.of("acme-domains", "Example.com,mail.example.com",
                "acme-directory", "letsencrypt-staging", "acme-agree-tos", "true", "acme-email", "ops@example.com")));
        dev.berth.core.tls.AcmeConfig a = c.acme().orElseThrow();
        assertEquals(java.util.List.of("example.com", "mail.example.com"), a.domains(), "lower case, in order");
        assertEquals(dev.berth.core.tls.AcmeConfig.LETS_ENCRYPT_STAGING, a.directory());
        assertEquals("ops@example.com", a.email().orElseThrow());

        assertEquals("--acme-domains needs --acme-directory: letsencrypt, letsencrypt-staging or the ACME server's directory URL",
                fails(Map.of("acme-domains", "example.com")));
        assertEquals("--acme-directory is given but --acme-domains is not", fails(Map.of("acme-directory", "letsencrypt")));
        assertEquals("--acme-agree-tos is not given: read the ACME server's terms of service (its directory's"
                + " meta.termsOfService) and agree to them", fails(Map.of("acme-domains", "example.com", "acme-directory", "letsencrypt")));
        assertEquals("--acme-directory http://ca.example/dir must be an https URL, or letsencrypt or letsencrypt-staging",
                fails(Map.of("acme-domains", "example.com", "acme-directory", "http://ca.example/dir", "acme-agree-tos", "true")));
        assertEquals("--acme-domains: *.example.com: a wildcard needs the DNS-01 challenge, which Berth does not answer",
                fails(Map.of("acme-domains", "*.example.com", "acme-directory", "letsencrypt", "acme-agree-tos", "true")));
        assertEquals("--acme-domains: ex ample.com is not a host name such as example.com",
                fails(Map.of("acme-domains", "ex ample.com", "acme-directory", "letsencrypt", "acme-agree-tos", "true")));
    }

    private static String fails(Map<String, String> flags) {
        return assertThrows(BerthException.class, () -> TlsOptions.fromSettings(new ModuleSettings(flags))).getMessage();
    }

    @Test
    void thePassphraseNeverShowsInTheConfigurationsText() {
        TlsConfig c = TlsOptions.fromSettings(new ModuleSettings(Map.of("tls-cert", "c.pem",
                "tls-key-passphrase", "hunter2-secret")));
        assertEquals("hunter2-secret", new String(c.keyPassphrase().orElseThrow().reveal()));
        assertFalse(c.toString().contains("hunter2"), c.toString());
        assertEquals("***", c.keyPassphrase().orElseThrow().toString());
    }

    @Test
    void thePassphraseIsNeverShownByHelp() {
        Launcher.Launch l = launch("--tls-key-passphrase", "hunter2-secret", "--help");
        assertNull(l.server);
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("--tls-key-passphrase"), help);
        assertFalse(help.contains("hunter2-secret"), help);
    }

    @Test
    void aWrongPassphraseStopsTheLauncherWithOneLineThatDoesNotShowIt() {
        Launcher.Launch l = launch("--host", "127.0.0.1", "--upper-port", "0", "--upper-tls", "implicit",
                "--data-dir", dir.toString(), "--log-level", "off",
                "--tls-cert", TestPki.file("rsa-chain.pem").toString(),
                "--tls-key", TestPki.file("rsa-pkcs8-enc.key").toString(), "--tls-key-passphrase", "hunter2-secret");
        assertNull(l.server);
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals("berth: TLS private key " + TestPki.file("rsa-pkcs8-enc.key")
                + ": wrong passphrase (the encrypted key cannot be decrypted with it)\n", e);
    }

    @Test
    void coreTlsErrorsSpeakTheApisTermsAndTheLauncherAddsTheFlag() {
        assertEquals("berth: TlsConfig: protocol 'TLSv1.9' is not one of TLSv1.3, TLSv1.2, TLSv1.1, TLSv1 "
                + "(--tls-protocols)\n", startFails("--tls-protocols", "TLSv1.3,TLSv1.9"));
        assertEquals("berth: TlsConfig: ciphers has no suite for TLSv1.3,TLSv1.2 other than TLS 1.3 ones; add TLS 1.2 "
                + "suites to ciphers or set protocols to TLSv1.3 alone (--tls-ciphers)\n",
                startFails("--tls-provider", "jdk", "--tls-ciphers", "TLS_AES_128_GCM_SHA256"));
        assertEquals("berth: TLS certificate chain " + TestPki.file("expired-chain.pem") + ": the leaf certificate "
                + "(O=Berth test,CN=expired) expired on 2021-01-01T00:00:00Z; set TlsConfig.allowExpired to serve it "
                + "anyway (--tls-allow-expired)\n", startFails("--tls-cert", TestPki.file("expired-chain.pem").toString(),
                "--tls-key", TestPki.file("expired.key").toString()));
        assertEquals("berth: TLS private key " + TestPki.file("rsa-pkcs8-enc.key") + ": the key is encrypted and no "
                + "passphrase is given; set TlsConfig.keyPassphrase (--tls-key-passphrase)\n",
                startFails("--tls-cert", TestPki.file("rsa-chain.pem").toString(),
                        "--tls-key", TestPki.file("rsa-pkcs8-enc.key").toString()));
    }

    /** What the launcher prints when a TLS listener with these flags cannot start. */
    private String startFails(String... tlsFlags) {
        err.reset();
        List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--upper-port", "0",
                "--upper-tls", "implicit", "--data-dir", dir.toString(), "--log-level", "off"));
        args.addAll(List.of(tlsFlags));
        Launcher.Launch l = launch(args.toArray(String[]::new));
        if (l.server != null) {
            l.server.stop(Duration.ofSeconds(1));
        }
        assertNull(l.server, "started with " + args);
        assertEquals(Launcher.EXIT_CONFIG, l.exitCode);
        return err.toString(StandardCharsets.UTF_8);
    }

    /** The worked example of docs/tls.md: an encrypted key, its chain, the passphrase in a file. */
    @Test
    void theDocumentedExampleServesAnEncryptedKeyWithItsChain() throws Exception {
        Path pass = dir.resolve("passphrase.txt");
        Files.writeString(pass, TestPki.PASSPHRASE + "\n");
        Launcher.Launch l = launch("--host", "127.0.0.1", "--upper-port", "0", "--upper-tls", "implicit",
                "--data-dir", dir.toString(), "--log-level", "warn",
                "--tls-cert", TestPki.file("rsa-chain.pem").toString(),
                "--tls-key", TestPki.file("rsa-pkcs1-enc.key").toString(),
                "--tls-key-passphrase-file", pass.toString());
        try {
            assertEquals("", err.toString(StandardCharsets.UTF_8));
            OpenSslClient.Result r = OpenSslClient.runUntil(l.server.localAddress("upper"), "shout\n", "SHOUT",
                    "-verify_return_error", "-verify_hostname", "localhost");
            assertTrue(r.output.contains("Verify return code: 0 (ok)"), r.toString());
            assertTrue(r.output.contains("SHOUT"), r.toString());
        } finally {
            if (l.server != null) {
                l.server.stop(Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void listsSplitOnCommas() {
        assertEquals(List.of("a.example.com"), TlsOptions.fromSettings(new ModuleSettings(
                Map.of("tls-sni", "a.example.com=a.pem:a.key"))).sniEntries().stream()
                .map(SniEntry::hostName).collect(java.util.stream.Collectors.toList()));
    }
}
