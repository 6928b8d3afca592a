package dev.berth.core.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.berth.core.BerthException;
import dev.berth.core.tls.LogCapture;
import dev.berth.core.tls.Secret;
import dev.berth.core.tls.TestPki;
import dev.berth.core.tls.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad material fails at load with one line that names the file and says what is wrong. */
class MaterialValidationTest {
    @TempDir
    Path data;

    private TlsConfig.Builder config(String chain, String key) {
        TlsConfig.Builder b = TlsConfig.builder().reloadInterval(Duration.ZERO).certificateChain(TestPki.file(chain));
        if (key != null) {
            b.privateKey(TestPki.file(key));
        }
        return b;
    }

    private String failure(TlsConfig.Builder b) {
        return thrown(b).getMessage();
    }

    private BerthException thrown(TlsConfig.Builder b) {
        BerthException e = assertThrows(BerthException.class, () -> new ReloadingContextProvider(b.build(), data, List.of()));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    @Test
    void aWrongPassphraseIsReportedForPkcs8AndPkcs1Keys() {
        for (String key : List.of("rsa-pkcs8-enc.key", "rsa-pkcs1-enc.key", "ec-sec1-enc.key")) {
            String m = failure(config("rsa-chain.pem", key).keyPassphrase(Secret.of("not-the-passphrase")));
            assertTrue(m.startsWith("TLS private key " + TestPki.file(key) + ": wrong passphrase"), m);
            assertFalse(m.contains("not-the-passphrase"), "the passphrase never shows: " + m);
        }
    }

    @Test
    void anEncryptedKeyWithoutPassphraseSaysHowToGiveOne() {
        BerthException e = thrown(config("rsa-chain.pem", "rsa-pkcs8-enc.key"));
        assertEquals("TLS private key " + TestPki.file("rsa-pkcs8-enc.key") + ": the key is encrypted and no passphrase "
                + "is given; set TlsConfig.keyPassphrase", e.getMessage());
        assertEquals("tls.keyPassphrase", e.setting().orElseThrow(), "the launcher maps it to its flag");
    }

    @Test
    void aKeyThatDoesNotMatchTheLeafIsRefused() {
        String m = failure(config("rsa-chain.pem", "other.key"));
        assertEquals("TLS private key " + TestPki.file("other.key") + ": does not match the leaf certificate "
                + "(CN=rsa,O=Berth test) of " + TestPki.file("rsa-chain.pem"), m);
    }

    @Test
    void aChainOutOfOrderSaysWhichCertificateFailsToSignWhichAndTheOrderFound() {
        String m = failure(config("reversed-chain.pem", "inter.key"));
        // the key is certificate 1's, so the leaf check passes and the order check fails
        assertTrue(m.startsWith("TLS certificate chain " + TestPki.file("reversed-chain.pem") + ": out of order: "
                + "certificate 2 (CN=rsa,O=Berth test) did not sign certificate 1 (CN=Berth Test Intermediate,O=Berth test"),
                m);
        assertTrue(m.contains("found 1. CN=Berth Test Intermediate,O=Berth test; 2. CN=rsa,O=Berth test"), m);
    }

    @Test
    void aKeyMatchingALaterCertificateSaysTheLeafMustComeFirst() {
        String m = failure(config("reversed-chain.pem", "rsa.key"));
        assertTrue(m.contains("matches certificate 2 (CN=rsa,O=Berth test)"), m);
        assertTrue(m.contains("the leaf must come first"), m);
    }

    @Test
    void anExpiredLeafIsAnErrorUnlessAllowed() {
        BerthException e = thrown(config("expired-chain.pem", "expired.key"));
        assertEquals("TLS certificate chain " + TestPki.file("expired-chain.pem")
                + ": the leaf certificate (O=Berth test,CN=expired) expired on 2021-01-01T00:00:00Z; set "
                + "TlsConfig.allowExpired to serve it anyway", e.getMessage());
        assertEquals("tls.allowExpired", e.setting().orElseThrow(), "the launcher maps it to its flag");
        try (LogCapture log = new LogCapture(MaterialLoader.class)) {
            assertNotNull(new ReloadingContextProvider(config("expired-chain.pem", "expired.key").allowExpired(true).build(),
                    data, List.of()).contextFor(null));
            assertTrue(log.messages(Level.WARN).stream().anyMatch(w -> w.contains("expired on 2021-01-01")
                            && w.endsWith("; served anyway because TlsConfig.allowExpired is set (--tls-allow-expired)")),
                    log.messages(Level.WARN).toString());
        }
    }

    @Test
    void aLeafNotYetValidIsAnError() {
        BerthException e = thrown(config("future-chain.pem", "future.key"));
        assertTrue(e.getMessage().contains("(O=Berth test,CN=future) is not valid before 2099-01-01T00:00:00Z; set "
                + "TlsConfig.allowExpired to serve it anyway"), e.getMessage());
        assertEquals("tls.allowExpired", e.setting().orElseThrow());
    }

    @Test
    void aSelfSignedRootInTheChainIsServedWithAWarning() {
        try (LogCapture log = new LogCapture(MaterialLoader.class)) {
            new ReloadingContextProvider(config("chain-with-root.pem", "rsa.key").build(), data, List.of());
            List<String> warnings = log.messages(Level.WARN);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("TLS certificate chain " + TestPki.file("chain-with-root.pem")
                    + ": includes the self-signed root (CN=Berth Test Root,O=Berth test)"), warnings.get(0));
        }
    }

    @Test
    void anEmptyFileIsNamed() {
        assertEquals("TLS certificate chain " + TestPki.file("empty.pem") + ": the file is empty",
                failure(config("empty.pem", "rsa.key")));
    }

    @Test
    void aFileWithoutPemIsNamed() {
        assertEquals("TLS certificate chain " + TestPki.file("not-pem.pem")
                + ": not a PEM file (no -----BEGIN ...----- block in it)", failure(config("not-pem.pem", "rsa.key")));
        assertTrue(failure(config("rsa.der", "rsa.key")).startsWith("TLS certificate chain " + TestPki.file("rsa.der")
                + ": not a PEM file"));
    }

    @Test
    void aKeyFileWithoutKeyIsNamed() {
        String m = failure(config("rsa-chain.pem", "rsa.crt"));
        assertTrue(m.startsWith("TLS private key " + TestPki.file("rsa.crt") + ": no private key in it"), m);
    }

    @Test
    void aMissingFileIsNamed() {
        String m = failure(config("no-such.pem", "rsa.key"));
        assertTrue(m.startsWith("TLS certificate chain " + TestPki.file("no-such.pem") + ": cannot read it"), m);
    }
}
