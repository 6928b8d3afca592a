package dev.berth.core.tls;

import dev.berth.core.BerthException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A listener's TLS material and policy. Immutable, made with named setters only: a certificate
 * chain and a private key are never two positional files.
 *
 * <p>With no certificate chain, the listener uses a self-signed certificate generated once under
 * the data directory (for testing only).
 *
 * <p>Two configurations with equal settings are equal: a server's listeners that share one get one set
 * of TLS contexts and one file watch between them.
 */
public final class TlsConfig {
    private static final TlsConfig DEFAULTS = builder().build();

    private final Path certificateChain;
    private final Path privateKey;
    private final Secret keyPassphrase;
    private final TlsPolicy policy;
    private final List<String> protocols;
    private final List<String> ciphers;
    private final Duration handshakeTimeout;
    private final Path secondCertificateChain;
    private final Path secondPrivateKey;
    private final TlsClientAuth clientAuth;
    private final Path clientCaBundle;
    private final List<SniEntry> sniEntries;
    private final TlsLibrary library;
    private final boolean allowExpired;
    private final Duration reloadInterval;
    private final AcmeConfig acme;

    private TlsConfig(Builder b) {
        this.certificateChain = b.certificateChain;
        this.privateKey = b.privateKey;
        this.keyPassphrase = b.keyPassphrase;
        this.policy = b.policy;
        this.protocols = List.copyOf(b.protocols);
        this.ciphers = List.copyOf(b.ciphers);
        this.handshakeTimeout = b.handshakeTimeout;
        this.secondCertificateChain = b.secondCertificateChain;
        this.secondPrivateKey = b.secondPrivateKey;
        this.clientAuth = b.clientAuth;
        this.clientCaBundle = b.clientCaBundle;
        this.sniEntries = List.copyOf(b.sniEntries);
        this.library = b.library;
        this.allowExpired = b.allowExpired;
        this.reloadInterval = b.reloadInterval;
        this.acme = b.acme;
    }

    /** TLS with a generated self-signed certificate and the {@link TlsPolicy#INTERMEDIATE} policy. */
    public static TlsConfig defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The PEM file with the leaf certificate first, then intermediates; empty for the self-signed default. */
    public Optional<Path> certificateChain() {
        return Optional.ofNullable(certificateChain);
    }

    /** The PEM private key file; empty when the key is appended to the chain file. */
    public Optional<Path> privateKey() {
        return Optional.ofNullable(privateKey);
    }

    public Optional<Secret> keyPassphrase() {
        return Optional.ofNullable(keyPassphrase);
    }

    /** The named policy: {@link TlsPolicy#INTERMEDIATE} (default) or {@link TlsPolicy#MODERN}. */
    public TlsPolicy policy() {
        return policy;
    }

    /** Explicit protocols overriding the policy's; empty means the policy's. */
    public List<String> protocols() {
        return protocols;
    }

    /** Explicit cipher suites overriding the policy's; empty means the policy's. */
    public List<String> ciphers() {
        return ciphers;
    }

    /** How long a client has to complete its handshake, at accept and after STARTTLS: the one place it is set. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * A second chain for the same listener, typically ECDSA beside an RSA first chain (or the other way
     * round): each client gets the one its signature algorithms allow.
     */
    public Optional<Path> secondCertificateChain() {
        return Optional.ofNullable(secondCertificateChain);
    }

    /** The second chain's key file; empty when it is appended to the second chain file. */
    public Optional<Path> secondPrivateKey() {
        return Optional.ofNullable(secondPrivateKey);
    }

    public TlsClientAuth clientAuth() {
        return clientAuth;
    }

    /** The PEM bundle of CA certificates that client certificates must chain to. */
    public Optional<Path> clientCaBundle() {
        return Optional.ofNullable(clientCaBundle);
    }

    /** Certificate sets chosen by the SNI host name; a name none matches gets the main chain. */
    public List<SniEntry> sniEntries() {
        return sniEntries;
    }

    public TlsLibrary library() {
        return library;
    }

    /** Serve a leaf certificate that has expired or is not yet valid (an error otherwise). */
    public boolean allowExpired() {
        return allowExpired;
    }

    /**
     * How often the files are read again in case a change event was missed (changes are otherwise noticed
     * at once); zero turns watching off altogether.
     */
    public Duration reloadInterval() {
        return reloadInterval;
    }

    /**
     * Certificates from an ACME server for its host names: with no certificate chain set, the ACME
     * certificate is the default one (the self-signed default until it is issued); beside a chain, it is
     * served to clients that ask for one of its names by SNI.
     */
    public Optional<AcmeConfig> acme() {
        return Optional.ofNullable(acme);
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.certificateChain = certificateChain;
        b.privateKey = privateKey;
        b.keyPassphrase = keyPassphrase;
        b.policy = policy;
        b.protocols = protocols;
        b.ciphers = ciphers;
        b.handshakeTimeout = handshakeTimeout;
        b.secondCertificateChain = secondCertificateChain;
        b.secondPrivateKey = secondPrivateKey;
        b.clientAuth = clientAuth;
        b.clientCaBundle = clientCaBundle;
        b.sniEntries = sniEntries;
        b.library = library;
        b.allowExpired = allowExpired;
        b.reloadInterval = reloadInterval;
        b.acme = acme;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TlsConfig)) {
            return false;
        }
        TlsConfig t = (TlsConfig) o;
        return allowExpired == t.allowExpired && Objects.equals(certificateChain, t.certificateChain)
                && Objects.equals(privateKey, t.privateKey) && Objects.equals(keyPassphrase, t.keyPassphrase)
                && policy == t.policy && protocols.equals(t.protocols) && ciphers.equals(t.ciphers)
                && handshakeTimeout.equals(t.handshakeTimeout)
                && Objects.equals(secondCertificateChain, t.secondCertificateChain)
                && Objects.equals(secondPrivateKey, t.secondPrivateKey) && clientAuth == t.clientAuth
                && Objects.equals(clientCaBundle, t.clientCaBundle) && sniEntries.equals(t.sniEntries)
                && library == t.library && reloadInterval.equals(t.reloadInterval) && Objects.equals(acme, t.acme);
    }

    @Override
    public int hashCode() {
        return Objects.hash(certificateChain, privateKey, keyPassphrase, policy, protocols, ciphers, handshakeTimeout,
                secondCertificateChain, secondPrivateKey, clientAuth, clientCaBundle, sniEntries, library,
                allowExpired, reloadInterval, acme);
    }

    @Override
    public String toString() {
        return "TlsConfig[chain=" + certificateChain + ", key=" + privateKey + ", passphrase="
                + (keyPassphrase == null ? "none" : "***") + ", policy=" + policy + ", clientAuth=" + clientAuth
                + ", sni=" + sniEntries + ", library=" + library + (acme == null ? "" : ", acme=" + acme) + "]";
    }

    /** Collects TLS settings by name. */
    public static final class Builder {
        private Path certificateChain;
        private Path privateKey;
        private Secret keyPassphrase;
        private TlsPolicy policy = TlsPolicy.INTERMEDIATE;
        private List<String> protocols = List.of();
        private List<String> ciphers = List.of();
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Path secondCertificateChain;
        private Path secondPrivateKey;
        private TlsClientAuth clientAuth = TlsClientAuth.NONE;
        private Path clientCaBundle;
        private List<SniEntry> sniEntries = List.of();
        private TlsLibrary library = TlsLibrary.AUTO;
        private boolean allowExpired;
        private Duration reloadInterval = Duration.ofSeconds(10);
        private AcmeConfig acme;

        private Builder() {
        }

        public Builder certificateChain(Path file) {
            this.certificateChain = file;
            return this;
        }

        public Builder privateKey(Path file) {
            this.privateKey = file;
            return this;
        }

        public Builder keyPassphrase(Secret passphrase) {
            this.keyPassphrase = passphrase;
            return this;
        }

        public Builder policy(TlsPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public Builder protocols(List<String> protocols) {
            this.protocols = List.copyOf(protocols);
            return this;
        }

        public Builder ciphers(List<String> ciphers) {
            this.ciphers = List.copyOf(ciphers);
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Builder secondCertificateChain(Path file) {
            this.secondCertificateChain = file;
            return this;
        }

        public Builder secondPrivateKey(Path file) {
            this.secondPrivateKey = file;
            return this;
        }

        public Builder clientAuth(TlsClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        public Builder clientCaBundle(Path file) {
            this.clientCaBundle = file;
            return this;
        }

        public Builder sniEntries(List<SniEntry> entries) {
            this.sniEntries = List.copyOf(entries);
            return this;
        }

        public Builder library(TlsLibrary library) {
            this.library = Objects.requireNonNull(library, "library");
            return this;
        }

        public Builder allowExpired(boolean allowExpired) {
            this.allowExpired = allowExpired;
            return this;
        }

        /**
         * How often the files are read again to see whether they changed, besides the file system's own
         * change events; zero turns both off (then only {@code Server.reloadTls()} reloads).
         */
        public Builder reloadInterval(Duration interval) {
            this.reloadInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** Certificates from an ACME server ({@link TlsConfig#acme()}); null for none. */
        public Builder acme(AcmeConfig acme) {
            this.acme = acme;
            return this;
        }

        /**
         * The configuration, its settings checked against each other; a combination that cannot work
         * fails with a {@link BerthException} naming the setting and the fix.
         */
        public TlsConfig build() {
            if (privateKey != null && certificateChain == null) {
                throw invalid("privateKey is set but certificateChain is not; set certificateChain to the PEM chain "
                        + "of that key, or drop privateKey to use the self-signed certificate");
            }
            if (secondCertificateChain != null && certificateChain == null) {
                throw invalid("secondCertificateChain is set but certificateChain is not; set certificateChain to "
                        + "the first chain, or give the chain as certificateChain alone");
            }
            if (secondPrivateKey != null && secondCertificateChain == null) {
                throw invalid("secondPrivateKey is set but secondCertificateChain is not; set secondCertificateChain "
                        + "to the PEM chain of that key");
            }
            if (clientAuth != TlsClientAuth.NONE && clientCaBundle == null) {
                throw invalid("clientAuth " + clientAuth + " needs clientCaBundle, the PEM bundle of CAs that client "
                        + "certificates must chain to");
            }
            if (handshakeTimeout.isZero() || handshakeTimeout.isNegative()) {
                throw invalid("handshakeTimeout must be positive, not " + handshakeTimeout);
            }
            if (reloadInterval.isNegative()) {
                throw invalid("reloadInterval must not be negative, not " + reloadInterval
                        + " (zero turns watching off)");
            }
            return new TlsConfig(this);
        }

        private static BerthException invalid(String problem) {
            return new BerthException("TlsConfig: " + problem);
        }
    }
}
