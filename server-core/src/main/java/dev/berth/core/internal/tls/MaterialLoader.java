package dev.berth.core.internal.tls;

import dev.berth.core.BerthException;
import dev.berth.core.tls.Secret;
import dev.berth.core.tls.TlsConfig;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a certificate chain and its key and checks them as a server would need them: the key
 * matches the leaf, each certificate is signed by the next, the leaf is valid now. Each failure is
 * one line naming the file.
 */
public final class MaterialLoader {
    private static final Logger log = LoggerFactory.getLogger(MaterialLoader.class);

    private MaterialLoader() {
    }

    /**
     * The key and chain {@code config} serves by default, loaded and checked as a TLS listener loads them: its
     * PEM files, or the self-signed default under {@code dataDirectory} when it names none.
     */
    public static <T> T defaultMaterial(TlsConfig config, Path dataDirectory,
                                        BiFunction<PrivateKey, List<X509Certificate>, T> to) {
        CertifiedKey k;
        if (config.certificateChain().isPresent()) {
            Path chain = config.certificateChain().get();
            k = load(chain, config.privateKey().orElse(chain), config.keyPassphrase().orElse(null),
                    config.allowExpired(), Instant.now());
        } else {
            k = SelfSignedDefault.loadOrCreate(dataDirectory, false); // the TCP listener using it says so
        }
        return to.apply(k.key, k.chain);
    }

    /** Loads and checks; {@code keyFile} may be the chain file itself (key appended). */
    static CertifiedKey load(Path chainFile, Path keyFile, Secret passphrase, boolean allowExpired, Instant now) {
        List<X509Certificate> chain = PemFiles.certificates(chainFile, "TLS certificate chain");
        PrivateKey key = PemFiles.privateKey(keyFile, passphrase);
        checkKeyMatches(chain, key, chainFile, keyFile);
        checkOrder(chain, chainFile);
        checkValidity(chain.get(0), chainFile, allowExpired, now);
        warnOnRoot(chain, chainFile);
        return new CertifiedKey(chain, key, chainFile, keyFile);
    }

    private static void checkKeyMatches(List<X509Certificate> chain, PrivateKey key, Path chainFile, Path keyFile) {
        if (matches(key, chain.get(0).getPublicKey())) {
            return;
        }
        for (int i = 1; i < chain.size(); i++) {
            if (matches(key, chain.get(i).getPublicKey())) {
                throw new BerthException("TLS private key " + keyFile + ": matches certificate " + (i + 1) + " ("
                        + subject(chain.get(i)) + ") of " + chainFile + ", not the first; the leaf must come first");
            }
        }
        throw new BerthException("TLS private key " + keyFile + ": does not match the leaf certificate ("
                + subject(chain.get(0)) + ") of " + chainFile);
    }

    /** A key matches a public key when what it signs the public key verifies: works for RSA, EC and EdDSA alike. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())
                && !(isEc(key.getAlgorithm()) && isEc(publicKey.getAlgorithm()))) {
            return false;
        }
        String algorithm;
        switch (publicKey.getAlgorithm()) {
            case "RSA":
                algorithm = "SHA256withRSA";
                break;
            case "EC":
            case "ECDSA":
                algorithm = "SHA256withECDSA";
                break;
            default:
                algorithm = publicKey.getAlgorithm(); // Ed25519, Ed448
        }
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(publicKey);
            v.update(probe);
            return v.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static boolean isEc(String algorithm) {
        return algorithm.equals("EC") || algorithm.equals("ECDSA");
    }

    private static void checkOrder(List<X509Certificate> chain, Path chainFile) {
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509Certificate cert = chain.get(i);
            X509Certificate issuer = chain.get(i + 1);
            if (!signedBy(cert, issuer)) {
                String order = IntStream.range(0, chain.size())
                        .mapToObj(n -> (n + 1) + ". " + subject(chain.get(n))).collect(Collectors.joining("; "));
                throw new BerthException("TLS certificate chain " + chainFile + ": out of order: certificate " + (i + 2)
                        + " (" + subject(issuer) + ") did not sign certificate " + (i + 1) + " (" + subject(cert)
                        + ", issued by " + cert.getIssuerX500Principal().getName() + "); found " + order
                        + "; expected the leaf first, then each certificate's issuer");
            }
        }
    }

    static boolean signedBy(X509Certificate cert, X509Certificate issuer) {
        if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            cert.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static void checkValidity(X509Certificate leaf, Path chainFile, boolean allowExpired, Instant now) {
        String problem = null;
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            problem = "expired on " + leaf.getNotAfter().toInstant();
        } else if (now.isBefore(leaf.getNotBefore().toInstant())) {
            problem = "is not valid before " + leaf.getNotBefore().toInstant();
        }
        if (problem == null) {
            return;
        }
        String line = "TLS certificate chain " + chainFile + ": the leaf certificate (" + subject(leaf) + ") " + problem;
        if (!allowExpired) {
            throw new BerthException(line + "; set TlsConfig.allowExpired to serve it anyway", "tls.allowExpired");
        }
        log.warn("{}; served anyway because TlsConfig.allowExpired is set (--tls-allow-expired)", line);
    }

    private static void warnOnRoot(List<X509Certificate> chain, Path chainFile) {
        X509Certificate last = chain.get(chain.size() - 1);
        if (chain.size() > 1 && signedBy(last, last)) {
            log.warn("TLS certificate chain {}: includes the self-signed root ({}); clients must have it already, "
                    + "so it only costs bytes in every handshake: it can be left out", chainFile, subject(last));
        }
    }

    static String subject(X509Certificate cert) {
        return cert.getSubjectX500Principal().getName();
    }

    /** The certificates of a CA bundle, for client certificate checks. */
    static X509Certificate[] caBundle(Path file) {
        return caBundle(file, "TLS client CA bundle");
    }

    /** The certificates of a CA bundle; errors name it as {@code what} (e.g. "ACME directory CA bundle"). */
    public static X509Certificate[] caBundle(Path file, String what) {
        List<X509Certificate> certs = new ArrayList<>(PemFiles.certificates(file, what));
        return certs.toArray(new X509Certificate[0]);
    }
}
