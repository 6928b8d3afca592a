package dev.berth.core.tls;

import io.netty.handler.ssl.SslContext;
import java.util.Map;

/** One loaded generation of a listener's contexts: the default and those chosen by SNI host name. */
final class ContextSet {
    final SslContext defaultContext;
    /** Exact names, and wildcards stored as {@code *.domain}; all lower case. */
    final Map<String, SslContext> byHostName;

    ContextSet(SslContext defaultContext, Map<String, SslContext> byHostName) {
        this.defaultContext = defaultContext;
        this.byHostName = Map.copyOf(byHostName);
    }

    /** Exact name first, then a wildcard for its parent domain (one label only), then the default. */
    SslContext contextFor(String hostName) {
        if (hostName == null || hostName.isEmpty()) {
            return defaultContext;
        }
        String h = SniEntry.normalize(hostName);
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
        return defaultContext;
    }
}
