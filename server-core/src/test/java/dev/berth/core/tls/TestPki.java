package dev.berth.core.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The test PKI, written once per test run by {@code make-pki.sh} with the real openssl CLI. */
public final class TestPki {
    public static final String PASSPHRASE = "s3cret-pass";
    private static Path dir;

    private TestPki() {
    }

    /** The directory holding every file {@code make-pki.sh} writes. */
    public static synchronized Path dir() {
        if (dir == null) {
            try {
                Path d = Files.createTempDirectory("berth-pki");
                Path script = d.resolve("make-pki.sh");
                try (InputStream in = TestPki.class.getResourceAsStream("/tls/make-pki.sh")) {
                    Files.copy(in, script);
                }
                Process p = new ProcessBuilder("bash", script.toString(), d.toString())
                        .redirectErrorStream(true).start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("make-pki.sh did not finish within 120s");
                }
                String out = new String(p.getInputStream().readAllBytes());
                if (p.exitValue() != 0) {
                    throw new AssertionError("make-pki.sh failed (the tests need the openssl CLI: "
                            + "apt-get install openssl): " + out);
                }
                dir = d;
            } catch (IOException e) {
                throw new AssertionError("cannot run make-pki.sh (the tests need bash and the openssl CLI): " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return dir;
    }

    public static Path file(String name) {
        return dir().resolve(name);
    }

    /** A client context that trusts the test root, for the JDK's own TLS clients. */
    public static SSLContext trustingRoot() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        X509Certificate root;
        try (InputStream in = Files.newInputStream(file("root.crt"))) {
            root = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        trust.setCertificateEntry("root", root);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }
}
