package dev.berth.core.tls;

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
 */
public final class TlsConfig {
    private static final TlsConfig DEFAULTS = builder().build();

    private final Path certificateChain;
    private final Path privateKey;
    private final Secret keyPassphrase;
    private final String policy;
    private final List<String> protocols;
    private final List<String> ciphers;
    private final Duration handshakeTimeout;

    private TlsConfig(Builder b) {
        this.certificateChain = b.certificateChain;
        this.privateKey = b.privateKey;
        this.keyPassphrase = b.keyPassphrase;
        this.policy = b.policy;
        this.protocols = List.copyOf(b.protocols);
        this.ciphers = List.copyOf(b.ciphers);
        this.handshakeTimeout = b.handshakeTimeout;
    }

    /** TLS with a generated self-signed certificate and the {@code intermediate} policy. */
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

    /** The named policy: {@code intermediate} (default) or {@code modern}. */
    public String policy() {
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

    public Duration handshakeTimeout() {
        return handshakeTimeout;
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
        return b;
    }

    @Override
    public String toString() {
        return "TlsConfig[chain=" + certificateChain + ", key=" + privateKey + ", passphrase="
                + (keyPassphrase == null ? "none" : "***") + ", policy=" + policy + "]";
    }

    /** Collects TLS settings by name. */
    public static final class Builder {
        private Path certificateChain;
        private Path privateKey;
        private Secret keyPassphrase;
        private String policy = "intermediate";
        private List<String> protocols = List.of();
        private List<String> ciphers = List.of();
        private Duration handshakeTimeout = Duration.ofSeconds(10);

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

        public Builder policy(String policy) {
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

        public TlsConfig build() {
            return new TlsConfig(this);
        }
    }
}
