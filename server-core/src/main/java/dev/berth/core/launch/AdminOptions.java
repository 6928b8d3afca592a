package dev.berth.core.launch;

import dev.berth.core.AdminConfig;
import dev.berth.core.BerthException;
import dev.berth.core.tls.Secret;
import dev.berth.core.tls.TlsConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The launcher's admin listener flags, and how they become an {@link AdminConfig}. */
public final class AdminOptions {
    private AdminOptions() {
    }

    public static List<ModuleOption> options() {
        return List.of(
                ModuleOption.of("admin-enabled", "BOOL", "true",
                        "Serve the admin listener: /metrics, /healthz, /readyz and /info."),
                ModuleOption.of("admin-host", "ADDR", AdminConfig.DEFAULT_HOST,
                        "Address of the admin listener; other than a loopback address it needs --admin-tls-cert and --admin-token."),
                ModuleOption.of("admin-port", "PORT", String.valueOf(AdminConfig.DEFAULT_PORT), "Port of the admin listener (0: any free port)."),
                ModuleOption.secret("admin-token", "TOKEN",
                        "Bearer token every admin request but /healthz must carry. Prefer BERTH_ADMIN_TOKEN or --admin-token-file."),
                ModuleOption.of("admin-token-file", "FILE", null, "File whose first line is the admin bearer token."),
                ModuleOption.of("admin-tls-cert", "FILE", null,
                        "PEM certificate chain for the admin listener, which then serves HTTPS (default: plaintext HTTP)."),
                ModuleOption.of("admin-tls-key", "FILE", null, "PEM private key of --admin-tls-cert (default: appended to it)."));
    }

    /** The admin listener the flags describe; bad values fail naming the flag. */
    public static AdminConfig fromSettings(ModuleSettings s) {
        if (!s.bool("admin-enabled", true)) {
            return AdminConfig.disabled();
        }
        String host = s.string("admin-host", AdminConfig.DEFAULT_HOST);
        int port = s.integer("admin-port", AdminConfig.DEFAULT_PORT);
        if (port < 0 || port > 65535) {
            throw ModuleSettings.bad("admin-port", String.valueOf(port), "a port from 0 to 65535");
        }
        Optional<Secret> token = token(s);
        Optional<TlsConfig> tls = s.path("admin-tls-cert").map(cert -> {
            TlsConfig.Builder b = TlsConfig.builder().certificateChain(cert);
            s.path("admin-tls-key").ifPresent(b::privateKey);
            return b.build();
        });
        if (s.get("admin-tls-key").isPresent() && tls.isEmpty()) {
            throw new BerthException("--admin-tls-key is given but --admin-tls-cert is not");
        }
        if (!loopback(host) && (tls.isEmpty() || token.isEmpty())) {
            throw new BerthException("--admin-host " + host + " is not a loopback address: the admin listener binds there "
                    + "only with both --admin-tls-cert and --admin-token (or BERTH_ADMIN_TOKEN)");
        }
        return AdminConfig.builder().host(host).port(port).bearerToken(token.orElse(null)).tls(tls.orElse(null)).build();
    }

    private static Optional<Secret> token(ModuleSettings s) {
        Optional<String> direct = s.get("admin-token").filter(t -> !t.isEmpty());
        Optional<Path> file = s.path("admin-token-file");
        if (direct.isPresent() && file.isPresent()) {
            throw new BerthException("--admin-token and --admin-token-file are both given; keep one");
        }
        if (file.isPresent()) {
            try (java.io.BufferedReader r = java.nio.file.Files.newBufferedReader(file.get())) {
                String line = r.readLine();
                if (line == null || line.isBlank()) {
                    throw new BerthException("--admin-token-file " + file.get() + ": the first line is empty");
                }
                return Optional.of(Secret.of(line.strip()));
            } catch (java.io.IOException e) {
                throw new BerthException("--admin-token-file " + file.get() + ": cannot read it: " + e.getMessage());
            }
        }
        return direct.map(Secret::of);
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw ModuleSettings.bad("admin-host", host, "an address of this machine");
        }
    }
}
