package dev.berth.core.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Server;
import dev.berth.core.tls.LineModule;
import dev.berth.core.tls.OpenSslClient;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedDefaultTest {
    @TempDir
    Path data;

    @Test
    void aListenerWithoutCertificateGetsOneEcdsaCertificateForLocalhostKeptAcrossRestarts() throws Exception {
        CertifiedKey first = SelfSignedDefault.loadOrCreate(data);
        CertifiedKey second = SelfSignedDefault.loadOrCreate(data);
        X509Certificate cert = first.leaf();
        assertEquals("EC", cert.getPublicKey().getAlgorithm());
        assertEquals(SelfSignedDefault.fingerprint(cert), SelfSignedDefault.fingerprint(second.leaf()),
                "the second start reuses the kept certificate");
        List<String> sans = cert.getSubjectAlternativeNames().stream().map(l -> l.get(1).toString())
                .collect(Collectors.toList());
        assertTrue(sans.contains("localhost") && sans.contains("127.0.0.1"), sans.toString());
        assertTrue(sans.stream().anyMatch(s -> s.equals("0:0:0:0:0:0:0:1") || s.equals("::1")), sans.toString());
        assertTrue(Files.exists(data.resolve("tls").resolve(SelfSignedDefault.KEY_FILE)));
    }

    @Test
    void aRealClientSeesTheKeptCertificateWithTheLoggedFingerprint() throws Exception {
        LineModule line = new LineModule();
        try (Server server = line.start(TlsMode.IMPLICIT, TlsConfig.defaults(), data)) {
            OpenSslClient.Result r = OpenSslClient.run(server.localAddress("line"), "hi\nQUIT\n", "-showcerts");
            assertTrue(r.output.contains("ECHO hi"), r.toString());
            assertTrue(r.output.contains("CN = localhost"), r.toString());
            // self-signed: openssl reports it, which is what a tester expects to accept by fingerprint
            assertTrue(r.output.contains("self-signed certificate") || r.output.contains("self signed certificate"),
                    r.toString());
        }
        String fingerprint = SelfSignedDefault.fingerprint(SelfSignedDefault.loadOrCreate(data).leaf());
        Process p = new ProcessBuilder("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in",
                data.resolve("tls").resolve(SelfSignedDefault.CERT_FILE).toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(out.contains(fingerprint), "openssl's fingerprint " + out + " is the logged " + fingerprint);
    }
}
