package dev.berth.core.tls;

import dev.berth.core.internal.tls.MaterialLoader;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The private key and certificate chain a {@link TlsConfig} serves by default, for a protocol that builds
 * its own TLS context (QUIC, whose TLS lives in the transport) from the same material a TCP listener uses.
 */
public final class TlsMaterial {
    private final PrivateKey privateKey;
    private final List<X509Certificate> certificateChain;

    private TlsMaterial(PrivateKey privateKey, List<X509Certificate> certificateChain) {
        this.privateKey = privateKey;
        this.certificateChain = List.copyOf(certificateChain);
    }

    /**
     * Loads and checks the material as a TLS listener would: the configured PEM chain and key (decrypted with
     * the passphrase), or the self-signed default under {@code dataDirectory}, created once, when the
     * configuration names no files. Bad material fails with a {@code BerthException} naming the file.
     */
    public static TlsMaterial load(TlsConfig config, Path dataDirectory) {
        return MaterialLoader.defaultMaterial(config, dataDirectory, TlsMaterial::new);
    }

    /** Material already loaded and checked (by {@link #load} or by a listener's TLS setup). */
    public static TlsMaterial of(PrivateKey privateKey, List<X509Certificate> certificateChain) {
        return new TlsMaterial(privateKey, certificateChain);
    }

    /** The leaf certificate's private key. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The certificate chain, leaf first. */
    public List<X509Certificate> certificateChain() {
        return certificateChain;
    }
}
