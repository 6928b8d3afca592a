package dev.berth.core.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.BerthException;
import dev.berth.core.Server;
import dev.berth.core.tls.LineModule;
import dev.berth.core.tls.OpenSslClient;
import dev.berth.core.tls.SniEntry;
import dev.berth.core.tls.TestPki;
import dev.berth.core.tls.TlsClientAuth;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsLibrary;
import dev.berth.core.tls.TlsMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Certificates chosen by SNI, two key types on one listener, and client certificates, seen by a real client. */
class SniAndClientAuthTest {
    @TempDir
    Path data;

    private static TlsConfig.Builder rsa(TlsLibrary library) {
        return TlsConfig.builder().library(library).reloadInterval(Duration.ZERO)
                .certificateChain(TestPki.file("rsa-chain.pem")).privateKey(TestPki.file("rsa.key"));
    }

    private static String servedSubject(OpenSslClient.Result r) {
        for (String line : r.output.split("\n")) {
            if (line.startsWith("subject=")) {
                return line.substring("subject=".length()).trim();
            }
        }
        throw new AssertionError("no certificate subject in: " + r);
    }

    @ParameterizedTest(name = "{0}: each SNI name gets its certificate, other names the default")
    @EnumSource(value = TlsLibrary.class, names = {"OPENSSL", "JDK"})
    void eachHostNameGetsItsCertificate(TlsLibrary library) {
        TlsConfig config = rsa(library).sniEntries(List.of(
                SniEntry.of("a.example.com", TestPki.file("sni-a-chain.pem"), TestPki.file("sni-a.key")),
                SniEntry.of("*.b.example.com", TestPki.file("sni-wild-chain.pem"), TestPki.file("sni-wild.key"))))
                .build();
        LineModule line = new LineModule();
        try (Server server = line.start(TlsMode.IMPLICIT, config, data)) {
            assertEquals("O = Berth test, CN = a.example.com", servedSubject(OpenSslClient.run(server.localAddress("line"),
                    "QUIT\n", "-servername", "A.Example.com")));
            OpenSslClient.Result wild = OpenSslClient.run(server.localAddress("line"), "INFO\nQUIT\n",
                    "-servername", "x.b.example.com", "-verify_hostname", "x.b.example.com", "-verify_return_error");
            assertEquals("O = Berth test, CN = wild.b.example.com", servedSubject(wild));
            assertTrue(wild.output.contains("sni=x.b.example.com"), "handlers see the SNI name: " + wild);
            assertEquals("O = Berth test, CN = rsa", servedSubject(OpenSslClient.run(server.localAddress("line"),
                    "QUIT\n", "-servername", "y.x.b.example.com")), "a wildcard covers one label only");
            assertEquals("O = Berth test, CN = rsa", servedSubject(OpenSslClient.run(server.localAddress("line"),
                    "QUIT\n", "-servername", "unknown.example.org")));
            assertEquals("O = Berth test, CN = rsa", servedSubject(OpenSslClient.run(server.localAddress("line"),
                    "QUIT\n", "-noservername")));
        }
    }

    @ParameterizedTest(name = "{0}: RSA and ECDSA certificates are served on one listener")
    @EnumSource(value = TlsLibrary.class, names = {"OPENSSL", "JDK"})
    void rsaAndEcdsaCertificatesAreServedOnOneListener(TlsLibrary library) {
        TlsConfig config = rsa(library).secondCertificateChain(TestPki.file("ec-chain.pem"))
                .secondPrivateKey(TestPki.file("ec-sec1.key")).build();
        try (Server server = new LineModule().start(TlsMode.IMPLICIT, config, data)) {
            for (String version : List.of("-tls1_2", "-tls1_3")) {
                assertEquals("O = Berth test, CN = ec", servedSubject(OpenSslClient.run(server.localAddress("line"),
                        "QUIT\n", version, "-sigalgs", "ECDSA+SHA256")), version);
                assertEquals("O = Berth test, CN = rsa", servedSubject(OpenSslClient.run(server.localAddress("line"),
                        "QUIT\n", version, "-sigalgs", "RSA-PSS+SHA256:RSA+SHA256")), version);
            }
        }
    }

    @Test
    void twoChainsWithTheSameKeyTypeAreRefused() {
        BerthException e = assertThrows(BerthException.class, () -> new ReloadingContextProvider(rsa(TlsLibrary.JDK)
                .secondCertificateChain(TestPki.file("rsa-chain-and-key.pem")).build(), data, List.of()));
        assertTrue(e.getMessage().contains("two chains must be one RSA and one ECDSA"), e.getMessage());
    }

    private static TlsConfig.Builder clientAuth(TlsLibrary library, TlsClientAuth mode) {
        return rsa(library).clientAuth(mode).clientCaBundle(TestPki.file("client-ca.crt"));
    }

    @ParameterizedTest(name = "{0}: a required client certificate refuses clients without one and identifies the others")
    @EnumSource(value = TlsLibrary.class, names = {"OPENSSL", "JDK"})
    void requiredClientCertificates(TlsLibrary library) {
        LineModule line = new LineModule();
        try (Server server = line.start(TlsMode.IMPLICIT, clientAuth(library, TlsClientAuth.REQUIRED).build(), data)) {
            OpenSslClient.Result without = OpenSslClient.run(server.localAddress("line"), "INFO\nQUIT\n");
            assertFalse(without.output.contains("INFO TLS"), without.toString());
            assertTrue(without.output.contains("alert"), "the server refuses with an alert: " + without);
            OpenSslClient.Result untrusted = OpenSslClient.run(server.localAddress("line"), "INFO\nQUIT\n",
                    "-cert", TestPki.file("rsa.crt").toString(), "-key", TestPki.file("rsa.key").toString());
            assertFalse(untrusted.output.contains("INFO TLS"), untrusted.toString());
            OpenSslClient.Result with = OpenSslClient.run(server.localAddress("line"), "INFO\nQUIT\n",
                    "-cert", TestPki.file("alice.crt").toString(), "-key", TestPki.file("alice.key").toString());
            assertTrue(with.output.contains("client=CN=alice,O=Berth test"), with.toString());
        }
        assertFalse(line.received.contains("INFO") && line.received.stream().filter("INFO"::equals).count() > 1,
                "only the client with a certificate reached the protocol: " + line.received);
    }

    @Test
    void anOptionalClientCertificateLetsClientsWithoutOneIn() {
        try (Server server = new LineModule().start(TlsMode.IMPLICIT,
                clientAuth(TlsLibrary.AUTO, TlsClientAuth.OPTIONAL).build(), data)) {
            OpenSslClient.Result without = OpenSslClient.run(server.localAddress("line"), "INFO\nQUIT\n");
            assertTrue(without.output.contains("INFO TLS"), without.toString());
            assertFalse(without.output.contains("client="), without.toString());
            OpenSslClient.Result with = OpenSslClient.run(server.localAddress("line"), "INFO\nQUIT\n",
                    "-cert", TestPki.file("alice.crt").toString(), "-key", TestPki.file("alice.key").toString());
            assertTrue(with.output.contains("client=CN=alice,O=Berth test"), with.toString());
        }
    }

    @Test
    void clientAuthWithoutCaBundleIsAnError() {
        BerthException e = assertThrows(BerthException.class,
                () -> rsa(TlsLibrary.JDK).clientAuth(TlsClientAuth.REQUIRED).build());
        assertTrue(e.getMessage().startsWith("TlsConfig: clientAuth REQUIRED needs clientCaBundle"), e.getMessage());
    }
}
