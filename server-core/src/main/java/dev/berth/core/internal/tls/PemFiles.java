package dev.berth.core.internal.tls;

import dev.berth.core.BerthException;
import dev.berth.core.tls.Secret;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads certificates and private keys from PEM files as people have them, with BouncyCastle:
 * certificates, PKCS#8 keys (plain or encrypted), PKCS#1 RSA and SEC1 EC keys (plain or encrypted
 * with a DEK-Info header). Every failure is one line naming the file.
 */
final class PemFiles {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private PemFiles() {
    }

    /** The certificates in a PEM file, in file order; fails when there are none. */
    static List<X509Certificate> certificates(Path file, String what) {
        List<X509Certificate> out = new ArrayList<>();
        for (Object o : objects(file, what)) {
            if (o instanceof X509CertificateHolder) {
                try {
                    out.add(new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) o));
                } catch (CertificateException e) {
                    throw new BerthException(what + " " + file + ": certificate " + (out.size() + 1)
                            + " cannot be read: " + e.getMessage());
                }
            }
        }
        if (out.isEmpty()) {
            throw new BerthException(what + " " + file + ": no certificate in it (expected -----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /** The one private key in a PEM file, decrypted with the passphrase when it is encrypted. */
    static PrivateKey privateKey(Path file, Secret passphrase) {
        String what = "TLS private key";
        Object found = null;
        for (Object o : objects(file, what)) {
            if (o instanceof PEMKeyPair || o instanceof PEMEncryptedKeyPair || o instanceof PrivateKeyInfo
                    || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                if (found != null) {
                    throw new BerthException(what + " " + file + ": holds more than one private key");
                }
                found = o;
            }
        }
        if (found == null) {
            throw new BerthException(what + " " + file + ": no private key in it (expected -----BEGIN PRIVATE KEY-----, "
                    + "-----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
        }
        boolean encrypted = found instanceof PEMEncryptedKeyPair || found instanceof PKCS8EncryptedPrivateKeyInfo;
        if (encrypted && passphrase == null) {
            throw new BerthException(what + " " + file + ": the key is encrypted and no passphrase is given; set "
                    + "TlsConfig.keyPassphrase", "tls.keyPassphrase");
        }
        // Keys and certificates go to the JDK's own providers: both TLS engines take those without surprises.
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            if (found instanceof PEMKeyPair) {
                return converter.getKeyPair((PEMKeyPair) found).getPrivate();
            }
            if (found instanceof PrivateKeyInfo) {
                return converter.getPrivateKey((PrivateKeyInfo) found);
            }
        } catch (IOException | RuntimeException e) {
            throw new BerthException(what + " " + file + ": the key cannot be read: " + message(e));
        }
        char[] pass = passphrase.reveal();
        try {
            if (found instanceof PEMEncryptedKeyPair) {
                PEMKeyPair pair = ((PEMEncryptedKeyPair) found)
                        .decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(BC).build(pass));
                return converter.getKeyPair(pair).getPrivate();
            }
            InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(pass);
            return converter.getPrivateKey(((PKCS8EncryptedPrivateKeyInfo) found).decryptPrivateKeyInfo(decryptor));
        } catch (Exception e) {
            // A wrong passphrase shows as bad padding or as garbage that is not a key: either way, the passphrase.
            throw new BerthException(what + " " + file + ": wrong passphrase (the encrypted key cannot be decrypted with it)");
        } finally {
            java.util.Arrays.fill(pass, '\0');
        }
    }

    /** Every PEM object in the file; fails for a missing, empty or non-PEM file. */
    private static List<Object> objects(Path file, String what) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new BerthException(what + " " + file + ": not a PEM file (it holds binary data; DER? convert it with openssl)");
        } catch (IOException e) {
            throw new BerthException(what + " " + file + ": cannot read it: " + message(e));
        }
        if (text.isBlank()) {
            throw new BerthException(what + " " + file + ": the file is empty");
        }
        List<Object> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (!(o instanceof ASN1ObjectIdentifier) && !(o instanceof X9ECParameters)) {
                    out.add(o); // EC PARAMETERS blocks (openssl ecparam -genkey) carry nothing we need
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new BerthException(what + " " + file + ": not valid PEM: " + message(e));
        }
        if (out.isEmpty()) {
            throw new BerthException(what + " " + file + ": not a PEM file (no -----BEGIN ...----- block in it)");
        }
        return out;
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
    }
}
