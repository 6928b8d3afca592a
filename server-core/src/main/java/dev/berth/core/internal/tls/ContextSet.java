package dev.berth.core.internal.tls;

import dev.berth.core.tls.ClientHello;
import io.netty.handler.ssl.SslContext;
import java.util.Map;

/** One loaded generation of a listener's contexts: the default and those chosen by SNI host name. */
final class ContextSet {
    final SslContext defaultContext;
    /** With both an RSA and an ECDSA default chain: the ECDSA one (the default is then the RSA one); else null. */
    final SslContext ecdsaContext;
    /** Exact names, and wildcards stored as {@code *.domain}; all lower case. */
    final Map<String, SslContext> byHostName;

    ContextSet(SslContext defaultContext, SslContext ecdsaContext, Map<String, SslContext> byHostName) {
        this.defaultContext = defaultContext;
        this.ecdsaContext = ecdsaContext;
        this.byHostName = Map.copyOf(byHostName);
    }

    /**
     * Exact name first, then a wildcard for its parent domain (one label only), then the default: the
     * ECDSA chain for a client that accepts it, else the RSA one.
     */
    SslContext contextFor(String hostName, ClientHello hello) {
        SslContext fallback = ecdsaContext != null && hello.acceptsEcdsa() ? ecdsaContext : defaultContext;
        if (hostName == null || hostName.isEmpty()) {
            return fallback;
        }
        String h = HostNames.normalize(hostName);
        SslContext exact = byHostName.get(h);
        if (exact != null) {
            return exact;
        }
        int dot = h.indexOf('.');
        if (dot > 0) {
            SslContext wildcard = byHostName.get("*" + h.substring(dot));
            if (wildcard != null) {
                return wildcard;
            }
        }
        return fallback;
    }
}
