package dev.berth.echo;

import dev.berth.core.spi.ModuleSettings;
import dev.berth.core.tls.TlsMode;

/** Refuses {@code --NAME-tls starttls} at start for protocols that have no command to begin TLS with. */
final class NoStartTls {
    private NoStartTls() {
    }

    static void check(ModuleSettings settings, String listener) {
        String flag = listener + "-tls";
        if (settings.choice(flag, TlsMode.class, TlsMode.NONE) == TlsMode.STARTTLS) {
            throw ModuleSettings.bad(flag, settings.string(flag, ""), "available here: " + listener
                    + " has no STARTTLS command; use implicit or optional");
        }
    }
}
