package dev.berth.core.internal.tls;

import dev.berth.core.BerthException;
import dev.berth.core.internal.AtomicFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate a TLS listener uses when none is configured: ECDSA P-256 for {@code localhost},
 * {@code 127.0.0.1} and {@code ::1}, generated once and kept under the data directory so that its
 * fingerprint stays the same across restarts. For testing only, and the log says so.
 */
final class SelfSignedDefault {
    private static final Logger log = LoggerFactory.getLogger(SelfSignedDefault.class);
    static final String CERT_FILE = "self-signed.crt";
    static final String KEY_FILE = "self-signed.key";
    private static final Duration VALIDITY = Duration.ofDays(825);

    private SelfSignedDefault() {
    }

    /** Loads the kept certificate, generating it first when it is missing, unreadable or expired. */
    static CertifiedKey loadOrCreate(Path dataDirectory) {
        return loadOrCreate(dataDirectory, true);
    }

    /**
     * As {@link #loadOrCreate(Path)}; {@code announce} false leaves the warning to the TLS listener that serves the
     * same certificate, so that a start logs it once.
     */
    static synchronized CertifiedKey loadOrCreate(Path dataDirectory, boolean announce) {
        Path dir = dataDirectory.resolve("tls");
        Path cert = dir.resolve(CERT_FILE);
        Path key = dir.resolve(KEY_FILE);
        CertifiedKey material = null;
        if (Files.exists(cert) && Files.exists(key)) {
            try {
                material = MaterialLoader.load(cert, key, null, false, Instant.now());
            } catch (BerthException e) {
                log.warn("the kept self-signed certificate cannot be used ({}); generating a new one", e.getMessage());
            }
        }
        if (material == null) {
            generate(dir, cert, key);
            material = MaterialLoader.load(cert, key, null, false, Instant.now());
        }
        if (announce) {
            log.warn("TLS uses a self-signed certificate for localhost, 127.0.0.1 and ::1 from {}: for testing only; "
                    + "clients will not trust it (SHA-256 fingerprint {}). Set TlsConfig.certificateChain "
                    + "and privateKey (--tls-cert, --tls-key) for real use.",
                    cert, fingerprint(material.leaf()));
        }
        return material;
    }

    /** The SHA-256 fingerprint as OpenSSL prints it: upper-case hex pairs joined by colons. */
    static String fingerprint(X509Certificate cert) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void generate(Path dir, Path certFile, Path keyFile) {
        try {
            Files.createDirectories(dir);
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = g.generateKeyPair();
            X500Name name = new X500Name("CN=localhost,O=Berth self-signed (testing only)");
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(127, new SecureRandom()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), name, pair.getPublic());
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1")}));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            // Key first, written private; then the certificate: a crash between leaves no usable pair, so it is redone.
            writeAtomically(keyFile, pem(pair.getPrivate()), true);
            writeAtomically(certFile, pem(cert), false);
            log.info("generated a self-signed ECDSA certificate in {}", dir);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new BerthException("cannot create a self-signed certificate in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(o instanceof java.security.PrivateKey
                    ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator((java.security.PrivateKey) o, null).generate()
                    : o);
        }
        return w.toString();
    }

    private static void writeAtomically(Path file, String text, boolean secret) throws IOException {
        AtomicFiles.write(file, text, secret);
    }
}
