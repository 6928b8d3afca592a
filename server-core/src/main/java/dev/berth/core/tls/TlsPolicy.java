package dev.berth.core.tls;

import java.util.List;
import java.util.Locale;

/** A named choice of TLS protocols and cipher suites, after Mozilla's server-side TLS recommendations. */
public enum TlsPolicy {
    /** TLS 1.3 and 1.2 with Mozilla's intermediate cipher suites: every client of the last decade connects. */
    INTERMEDIATE(List.of("TLSv1.3", "TLSv1.2"), List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")),
    /** TLS 1.3 only, with its three cipher suites. */
    MODERN(List.of("TLSv1.3"), List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"));

    private final List<String> protocols;
    private final List<String> ciphers;

    TlsPolicy(List<String> protocols, List<String> ciphers) {
        this.protocols = protocols;
        this.ciphers = ciphers;
    }

    /** The protocols, newest first, as the TLS libraries name them ({@code TLSv1.3}). */
    public List<String> protocols() {
        return protocols;
    }

    /** The cipher suites by IANA name, in order of preference (ECDHE key exchange and AEAD only). */
    public List<String> ciphers() {
        return ciphers;
    }

    /** The name as the {@code --tls-policy} flag and the logs spell it: {@code intermediate}, {@code modern}. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
