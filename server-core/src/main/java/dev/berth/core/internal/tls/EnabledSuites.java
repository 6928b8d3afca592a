package dev.berth.core.internal.tls;

import dev.berth.core.BerthException;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsPolicy;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The protocols and cipher suites a listener enables: its {@link TlsPolicy}'s, or explicit lists that
 * override it. Names are checked against what the chosen TLS library supports.
 */
final class EnabledSuites {
    private static final Set<String> KNOWN_PROTOCOLS = Set.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    final List<String> protocols;
    final List<String> ciphers;

    private EnabledSuites(List<String> protocols, List<String> ciphers) {
        this.protocols = List.copyOf(protocols);
        this.ciphers = List.copyOf(ciphers);
    }

    /** The policy a configuration names, its explicit lists applied and checked for {@code provider}. */
    static EnabledSuites resolve(TlsConfig config, SslProvider provider) {
        TlsPolicy policy = config.policy();
        List<String> protocols = config.protocols().isEmpty() ? policy.protocols() : config.protocols();
        for (String p : protocols) {
            if (!KNOWN_PROTOCOLS.contains(p)) {
                throw new BerthException("TlsConfig: protocol '" + p + "' is not one of TLSv1.3, TLSv1.2, TLSv1.1, TLSv1",
                        "tls.protocols");
            }
        }
        List<String> ciphers;
        if (config.ciphers().isEmpty()) {
            ciphers = new ArrayList<>(policy.ciphers());
            if (!protocols.contains("TLSv1.3")) {
                ciphers.removeIf(EnabledSuites::isTls13);
            }
        } else {
            ciphers = config.ciphers();
            for (String c : ciphers) {
                if (!supported(c, provider)) {
                    throw new BerthException("TlsConfig: cipher suite '" + c + "' is not one the "
                            + libraryName(provider) + " TLS library knows (use IANA names, e.g. "
                            + "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)", "tls.ciphers");
                }
            }
        }
        boolean older = protocols.stream().anyMatch(p -> !p.equals("TLSv1.3"));
        if (older && ciphers.stream().allMatch(EnabledSuites::isTls13)) {
            // OpenSSL would fall back to its own default TLS 1.2 list here, CBC suites and all
            throw new BerthException("TlsConfig: ciphers has no suite for " + String.join(",", protocols)
                    + " other than TLS 1.3 ones; add TLS 1.2 suites to ciphers or set protocols to TLSv1.3 alone",
                    "tls.ciphers");
        }
        return new EnabledSuites(protocols, ciphers);
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
