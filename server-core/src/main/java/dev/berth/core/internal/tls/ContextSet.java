package dev.berth.core.internal.tls;

import dev.berth.core.tls.ClientHello;
import dev.berth.core.tls.TlsGeneration;
import io.netty.handler.ssl.SslContext;
import java.security.cert.X509Certificate;
import java.util.Map;

/** One loaded generation of a listener's contexts: the default and those chosen by SNI host name. */
final class ContextSet {
    final SslContext defaultContext;
    /** With both an RSA and an ECDSA default chain: the ECDSA one (the default is then the RSA one); else null. */
    final SslContext ecdsaContext;
    /** Exact names, and wildcards stored as {@code *.domain}; all lower case. */
    final Map<String, SslContext> byHostName;
    /** The leaf certificate served by SNI bucket: {@code default} and each configured host name. */
    final Map<String, X509Certificate> leaves;
    /** The keys and chains these contexts were made from, for protocols that make their own contexts (QUIC). */
    final TlsGeneration material;

    ContextSet(SslContext defaultContext, SslContext ecdsaContext, Map<String, SslContext> byHostName,
               Map<String, X509Certificate> leaves, TlsGeneration material) {
        this.defaultContext = defaultContext;
        this.ecdsaContext = ecdsaContext;
        this.byHostName = Map.copyOf(byHostName);
        this.leaves = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(leaves));
        this.material = material;
    }

    /**
     * Exact name first, then a wildcard for its parent domain (one label only), then the default: the
     * ECDSA chain for a client that accepts it, else the RSA one.
     */
    SslContext contextFor(String hostName, ClientHello hello) {
        SslContext fallback = ecdsaContext != null && hello.acceptsEcdsa() ? ecdsaContext : defaultContext;
        return HostNames.lookup(byHostName, hostName, fallback);
    }
}
