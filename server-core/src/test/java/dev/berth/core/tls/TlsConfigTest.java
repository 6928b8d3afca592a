package dev.berth.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.core.BerthException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A {@link TlsConfig} refuses settings that cannot work together, and equal settings make equal values. */
class TlsConfigTest {
    private static final Path CHAIN = Path.of("chain.pem");
    private static final Path KEY = Path.of("key.pem");

    private static String refused(TlsConfig.Builder b) {
        return assertThrows(BerthException.class, b::build).getMessage();
    }

    @Test
    void settingsThatCannotWorkTogetherAreRefusedInTheBuildersOwnTerms() {
        assertEquals("TlsConfig: privateKey is set but certificateChain is not; set certificateChain to the PEM "
                + "chain of that key, or drop privateKey to use the self-signed certificate",
                refused(TlsConfig.builder().privateKey(KEY)));
        assertEquals("TlsConfig: secondPrivateKey is set but secondCertificateChain is not; set "
                + "secondCertificateChain to the PEM chain of that key",
                refused(TlsConfig.builder().certificateChain(CHAIN).secondPrivateKey(KEY)));
        assertEquals("TlsConfig: secondCertificateChain is set but certificateChain is not; set certificateChain "
                + "to the first chain, or give the chain as certificateChain alone",
                refused(TlsConfig.builder().secondCertificateChain(CHAIN)));
        assertEquals("TlsConfig: clientAuth OPTIONAL needs clientCaBundle, the PEM bundle of CAs that client "
                + "certificates must chain to", refused(TlsConfig.builder().clientAuth(TlsClientAuth.OPTIONAL)));
        assertEquals("TlsConfig: handshakeTimeout must be positive, not PT0S",
                refused(TlsConfig.builder().handshakeTimeout(Duration.ZERO)));
        assertEquals("TlsConfig: handshakeTimeout must be positive, not PT-1S",
                refused(TlsConfig.builder().handshakeTimeout(Duration.ofSeconds(-1))));
        assertEquals("TlsConfig: reloadInterval must not be negative, not PT-1S (zero turns watching off)",
                refused(TlsConfig.builder().reloadInterval(Duration.ofSeconds(-1))));
    }

    @Test
    void equalSettingsMakeEqualConfigurations() {
        TlsConfig a = full().build();
        TlsConfig b = full().build();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a, a.toBuilder().build());
        assertNotEquals(a, full().policy(TlsPolicy.MODERN).build());
        assertNotEquals(a, full().keyPassphrase(Secret.of("other")).build(), "the passphrase counts, by value");
        assertNotEquals(a, full().sniEntries(List.of(SniEntry.of("a.example.com", CHAIN, null))).build());
        assertNotEquals(a, full().handshakeTimeout(Duration.ofSeconds(3)).build());
        assertEquals(TlsConfig.defaults(), TlsConfig.builder().build());
    }

    private static TlsConfig.Builder full() {
        return TlsConfig.builder().certificateChain(CHAIN).privateKey(KEY).keyPassphrase(Secret.of("s3cr3t-value"))
                .sniEntries(List.of(SniEntry.of("Mail.Example.com.", CHAIN, KEY)))
                .clientAuth(TlsClientAuth.REQUIRED).clientCaBundle(Path.of("ca.pem"));
    }

    @Test
    void secretsCompareByValueWithoutShowingIt() {
        assertEquals(Secret.of("hunter2"), Secret.of("hunter2".toCharArray()));
        assertNotEquals(Secret.of("hunter2"), Secret.of("hunter3"));
        assertEquals(Secret.of("hunter2").hashCode(), Secret.of("anything else").hashCode(),
                "the hash code tells nothing about the characters");
        assertFalse(full().build().toString().contains("s3cr3t"), full().build().toString());
    }

    @Test
    void sniEntriesCompareByNormalizedHostNameAndFiles() {
        assertEquals(SniEntry.of("Mail.Example.com.", CHAIN, KEY), SniEntry.of("mail.example.com", CHAIN, KEY));
        assertEquals(SniEntry.of("a.example.com", CHAIN, null).hashCode(),
                SniEntry.of("A.example.com", CHAIN, null).hashCode());
        assertNotEquals(SniEntry.of("a.example.com", CHAIN, null), SniEntry.of("a.example.com", CHAIN, KEY));
    }
}
