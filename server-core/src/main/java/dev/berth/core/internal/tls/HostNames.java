package dev.berth.core.internal.tls;

import java.util.Locale;

/** How TLS host names compare: an SNI entry's name and the name a client sends go through the same rule. */
public final class HostNames {
    private HostNames() {
    }

    /** Host names compare in lower case and without the root's trailing dot. */
    public static String normalize(String hostName) {
        String h = hostName.trim().toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
