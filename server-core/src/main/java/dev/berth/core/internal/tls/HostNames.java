package dev.berth.core.internal.tls;

import java.util.Locale;
import java.util.Map;

/** How TLS host names compare: an SNI entry's name and the name a client sends go through the same rule. */
public final class HostNames {
    private HostNames() {
    }

    /** Host names compare in lower case and without the root's trailing dot. */
    public static String normalize(String hostName) {
        String h = hostName.trim().toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /**
     * What {@code byName} holds for a client's host name: the exact name first, then a wildcard
     * ({@code *.domain}) for its parent domain, one label only; {@code fallback} when neither, or when the
     * client sent no name. Keys are normalized names.
     */
    public static <T> T lookup(Map<String, T> byName, String hostName, T fallback) {
        if (hostName == null || hostName.isEmpty()) {
            return fallback;
        }
        String h = normalize(hostName);
        T exact = byName.get(h);
        if (exact != null) {
            return exact;
        }
        int dot = h.indexOf('.');
        if (dot > 0) {
            T wildcard = byName.get("*" + h.substring(dot));
            if (wildcard != null) {
                return wildcard;
            }
        }
        return fallback;
    }
}
