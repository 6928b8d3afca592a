package dev.berth.core.tls;

import dev.berth.core.BerthException;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The protocols and cipher suites a listener enables: a named policy's, or explicit lists that
 * override it. Names are checked against what the chosen TLS library supports.
 */
final class TlsPolicy {
    static final String INTERMEDIATE = "intermediate";
    static final String MODERN = "modern";
    static final List<String> POLICIES = List.of(INTERMEDIATE, MODERN);

    static final List<String> TLS13_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    /** Mozilla's intermediate list, ECDHE key exchange and AEAD ciphers only, in Mozilla's order. */
    static final List<String> INTERMEDIATE_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private static final Set<String> KNOWN_PROTOCOLS = Set.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    final List<String> protocols;
    final List<String> ciphers;

    private TlsPolicy(List<String> protocols, List<String> ciphers) {
        this.protocols = List.copyOf(protocols);
        this.ciphers = List.copyOf(ciphers);
    }

    /** The policy a configuration names, its explicit lists applied and checked for {@code provider}. */
    static TlsPolicy resolve(TlsConfig config, SslProvider provider) {
        if (!POLICIES.contains(config.policy())) {
            throw new BerthException("invalid value for --tls-policy: '" + config.policy()
                    + "' is not one of " + String.join(", ", POLICIES));
        }
        boolean modern = config.policy().equals(MODERN);
        List<String> protocols = config.protocols().isEmpty()
                ? (modern ? List.of("TLSv1.3") : List.of("TLSv1.3", "TLSv1.2")) : config.protocols();
        for (String p : protocols) {
            if (!KNOWN_PROTOCOLS.contains(p)) {
                throw new BerthException("invalid value for --tls-protocols: '" + p + "' is not one of TLSv1.3, TLSv1.2, "
                        + "TLSv1.1, TLSv1");
            }
        }
        List<String> ciphers;
        if (config.ciphers().isEmpty()) {
            ciphers = new ArrayList<>(modern ? TLS13_CIPHERS : INTERMEDIATE_CIPHERS);
            if (!protocols.contains("TLSv1.3")) {
                ciphers.removeAll(TLS13_CIPHERS);
            }
        } else {
            ciphers = config.ciphers();
            for (String c : ciphers) {
                if (!supported(c, provider)) {
                    throw new BerthException("invalid value for --tls-ciphers: '" + c + "' is not a cipher suite the "
                            + libraryName(provider) + " TLS library knows (use IANA names, e.g. "
                            + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
                }
            }
        }
        boolean older = protocols.stream().anyMatch(p -> !p.equals("TLSv1.3"));
        if (older && ciphers.stream().allMatch(TlsPolicy::isTls13)) {
            // OpenSSL would fall back to its own default TLS 1.2 list here, CBC suites and all
            throw new BerthException("invalid value for --tls-ciphers: no cipher suite for " + String.join(",", protocols)
                    + " other than TLS 1.3 ones; add TLS 1.2 suites or set --tls-protocols TLSv1.3");
        }
        return new TlsPolicy(protocols, ciphers);
    }

    /** TLS 1.3 suites name no key exchange: TLS_AES_128_GCM_SHA256, not TLS_ECDHE_..._WITH_... */
    static boolean isTls13(String cipher) {
        return cipher.startsWith("TLS_") && !cipher.contains("_WITH_");
    }

    private static boolean supported(String cipher, SslProvider provider) {
        if (provider == SslProvider.JDK) {
            try {
                return List.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites()).contains(cipher);
            } catch (NoSuchAlgorithmException e) {
                return false;
            }
        }
        return OpenSsl.isCipherSuiteAvailable(cipher);
    }

    static String libraryName(SslProvider provider) {
        return provider == SslProvider.JDK ? "JDK" : "OpenSSL (" + OpenSsl.versionString() + ")";
    }
}
