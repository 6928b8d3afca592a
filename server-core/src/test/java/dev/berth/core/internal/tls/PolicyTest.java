package dev.berth.core.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.BerthException;
import dev.berth.core.Server;
import dev.berth.core.tls.LineModule;
import dev.berth.core.tls.OpenSslClient;
import dev.berth.core.tls.TestPki;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsLibrary;
import dev.berth.core.tls.TlsMode;
import dev.berth.core.tls.TlsPolicy;
import io.netty.handler.ssl.OpenSsl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The named policies, seen by a real client, the same on the OpenSSL and the JDK TLS libraries. */
class PolicyTest {
    @TempDir
    Path data;

    private static TlsConfig.Builder ecdsa(TlsLibrary library) {
        return TlsConfig.builder().library(library).reloadInterval(Duration.ZERO)
                .certificateChain(TestPki.file("ec-chain.pem")).privateKey(TestPki.file("ec-pkcs8.key"));
    }

    @Test
    void theOpenSslLibraryLoadsOnThisMachine() {
        assertTrue(OpenSsl.isAvailable(), "netty-tcnative should load: " + OpenSsl.unavailabilityCause());
    }

    @ParameterizedTest(name = "{0}: TLS 1.2 and 1.3 succeed with the cipher the client asked for")
    @EnumSource(value = TlsLibrary.class, names = {"OPENSSL", "JDK"})
    void tls12AndTls13SucceedWithTheExpectedCipher(TlsLibrary library) {
        try (Server server = new LineModule().start(TlsMode.IMPLICIT, ecdsa(library).build(), data)) {
            OpenSslClient.Result r12 = OpenSslClient.run(server.localAddress("line"), "QUIT\n",
                    "-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305");
            assertEquals("TLSv1.2", r12.protocol(), r12.toString());
            assertEquals("ECDHE-ECDSA-CHACHA20-POLY1305", r12.cipher(), r12.toString());
            OpenSslClient.Result r13 = OpenSslClient.run(server.localAddress("line"), "QUIT\n",
                    "-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384");
            assertEquals("TLSv1.3", r13.protocol(), r13.toString());
            assertEquals("TLS_AES_256_GCM_SHA384", r13.cipher(), r13.toString());
            assertTrue(r13.output.contains("BYE"), r13.toString());
        }
    }

    @ParameterizedTest(name = "{0}: a TLS 1.1 client is refused")
    @EnumSource(value = TlsLibrary.class, names = {"OPENSSL", "JDK"})
    void aTls11ClientIsRefused(TlsLibrary library) {
        try (Server server = new LineModule().start(TlsMode.IMPLICIT, ecdsa(library).build(), data)) {
            // SECLEVEL=0 lets this client really offer TLS 1.1, so the refusal is the server's
            OpenSslClient.Result r = OpenSslClient.run(server.localAddress("line"), "QUIT\n",
                    "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
            assertFalse(r.connected(), r.toString());
            assertTrue(r.output.contains("alert protocol version"), r.toString());
        }
    }

    @ParameterizedTest(name = "{0}: a client offering only weak ciphers is refused")
    @EnumSource(value = TlsLibrary.class, names = {"OPENSSL", "JDK"})
    void aClientWithOnlyWeakCiphersIsRefused(TlsLibrary library) {
        try (Server server = new LineModule().start(TlsMode.IMPLICIT, ecdsa(library).build(), data)) {
            OpenSslClient.Result r = OpenSslClient.run(server.localAddress("line"), "QUIT\n",
                    "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA:AES128-SHA:DHE-RSA-AES128-SHA");
            assertFalse(r.connected(), r.toString());
            assertTrue(r.output.contains("alert handshake failure"), r.toString());
        }
    }

    @ParameterizedTest(name = "{0}: the modern policy refuses TLS 1.2")
    @EnumSource(value = TlsLibrary.class, names = {"OPENSSL", "JDK"})
    void theModernPolicyServesOnlyTls13(TlsLibrary library) {
        try (Server server = new LineModule().start(TlsMode.IMPLICIT, ecdsa(library).policy(TlsPolicy.MODERN).build(), data)) {
            OpenSslClient.Result r12 = OpenSslClient.run(server.localAddress("line"), "QUIT\n", "-tls1_2");
            assertFalse(r12.connected(), r12.toString());
            OpenSslClient.Result r13 = OpenSslClient.run(server.localAddress("line"), "QUIT\n");
            assertEquals("TLSv1.3", r13.protocol(), r13.toString());
        }
    }

    @ParameterizedTest(name = "{0}: a second connection resumes the first one's session")
    @EnumSource(value = TlsLibrary.class, names = {"OPENSSL", "JDK"})
    void sessionsAreResumed(TlsLibrary library) throws Exception {
        Path session = Files.createTempFile(data, "session", ".pem");
        try (Server server = new LineModule().start(TlsMode.IMPLICIT, ecdsa(library).build(), data)) {
            for (String version : List.of("-tls1_2", "-tls1_3")) {
                OpenSslClient.Result first = OpenSslClient.run(server.localAddress("line"), "QUIT\n", version,
                        "-sess_out", session.toString());
                assertTrue(first.output.contains("New, TLSv1."), first.toString());
                OpenSslClient.Result second = OpenSslClient.run(server.localAddress("line"), "QUIT\n", version,
                        "-sess_in", session.toString());
                assertTrue(second.output.contains("Reused, TLSv1."), version + ": " + second);
            }
        }
    }

    @Test
    void theEffectiveProtocolsAndCiphersAreTheSameOnBothLibraries() {
        for (TlsPolicy policy : TlsPolicy.values()) {
            assertEquals(effective(TlsLibrary.OPENSSL, policy), effective(TlsLibrary.JDK, policy), policy.flagValue());
        }
        assertEquals(Set.of("protocols TLSv1.3", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256"), effective(TlsLibrary.JDK, TlsPolicy.MODERN));
    }

    private Set<String> effective(TlsLibrary library, TlsPolicy policy) {
        TlsConfig config = ecdsa(library).policy(policy).build();
        ReloadingContextProvider p = new ReloadingContextProvider(config, data, List.of());
        String[] parts = ContextFactory.effective(p.contextFor(null)).split("; ciphers ");
        Set<String> out = new HashSet<>(Arrays.asList(parts[1].split(",")));
        out.add(parts[0]);
        return out;
    }

    @Test
    void anUnknownCipherIsAnError() {
        BerthException cipher = assertThrows(BerthException.class, () -> new ReloadingContextProvider(
                ecdsa(TlsLibrary.OPENSSL).ciphers(List.of("TLS_FAKE_WITH_NOTHING")).build(), data, List.of()));
        assertEquals("TlsConfig: cipher suite 'TLS_FAKE_WITH_NOTHING' is not one the OpenSSL (" + OpenSsl.versionString()
                + ") TLS library knows (use IANA names, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)", cipher.getMessage());
        assertEquals("tls.ciphers", cipher.setting().orElseThrow(), "the launcher maps it to its flag");
    }

    @Test
    void anUnknownProtocolIsAnError() {
        BerthException e = assertThrows(BerthException.class, () -> new ReloadingContextProvider(
                ecdsa(TlsLibrary.JDK).protocols(List.of("TLSv1.3", "TLSv1.9")).build(), data, List.of()));
        assertEquals("TlsConfig: protocol 'TLSv1.9' is not one of TLSv1.3, TLSv1.2, TLSv1.1, TLSv1", e.getMessage());
        assertEquals("tls.protocols", e.setting().orElseThrow());
    }

    @Test
    void onlyTls13CiphersWithTls12EnabledIsAnError() {
        BerthException e = assertThrows(BerthException.class, () -> new ReloadingContextProvider(
                ecdsa(TlsLibrary.JDK).ciphers(List.of("TLS_AES_128_GCM_SHA256")).build(), data, List.of()));
        assertEquals("TlsConfig: ciphers has no suite for TLSv1.3,TLSv1.2 other than TLS 1.3 ones; add TLS 1.2 "
                + "suites to ciphers or set protocols to TLSv1.3 alone", e.getMessage());
        assertEquals("tls.ciphers", e.setting().orElseThrow());
    }

    @Test
    void explicitListsOverrideThePolicy() {
        TlsConfig config = ecdsa(TlsLibrary.JDK).protocols(List.of("TLSv1.2"))
                .ciphers(List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")).build();
        EnabledSuites p = EnabledSuites.resolve(config, io.netty.handler.ssl.SslProvider.JDK);
        assertEquals(List.of("TLSv1.2"), p.protocols);
        assertEquals(List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"), p.ciphers);
    }
}
