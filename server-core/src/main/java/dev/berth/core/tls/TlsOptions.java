package dev.berth.core.tls;

import dev.berth.core.BerthException;
import dev.berth.core.spi.ModuleOption;
import dev.berth.core.spi.ModuleSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The launcher's TLS flags, shared by every TLS listener, and how they become a {@link TlsConfig}. */
public final class TlsOptions {
    private TlsOptions() {
    }

    public static List<ModuleOption> options() {
        return List.of(
                ModuleOption.of("tls-cert", "FILE", null,
                        "PEM certificate chain: the leaf first, then intermediates (default: a generated self-signed certificate)."),
                ModuleOption.of("tls-key", "FILE", null,
                        "PEM private key (PKCS#8, PKCS#1 or SEC1, plain or encrypted); default: appended to --tls-cert."),
                ModuleOption.secret("tls-key-passphrase", "PASS",
                        "Passphrase of an encrypted key. Prefer --tls-key-passphrase-file or the environment."),
                ModuleOption.of("tls-key-passphrase-file", "FILE", null, "File whose first line is the key's passphrase."),
                ModuleOption.of("tls-policy", "NAME", "intermediate",
                        "intermediate (TLS 1.2 and 1.3, Mozilla's intermediate ciphers) or modern (TLS 1.3 only)."),
                ModuleOption.of("tls-protocols", "LIST", null, "Explicit protocols, e.g. TLSv1.3,TLSv1.2 (overrides the policy)."),
                ModuleOption.of("tls-ciphers", "LIST", null, "Explicit cipher suites (overrides the policy)."),
                ModuleOption.of("tls-handshake-timeout", "DURATION", "10s", "Time a client has to complete its TLS handshake."));
    }

    /** The TLS configuration the flags describe; bad values fail naming the flag or the file. */
    public static TlsConfig fromSettings(ModuleSettings s) {
        TlsConfig.Builder b = TlsConfig.builder();
        s.path("tls-cert").ifPresent(b::certificateChain);
        s.path("tls-key").ifPresent(b::privateKey);
        if (s.get("tls-key").isPresent() && s.get("tls-cert").isEmpty()) {
            throw new BerthException("--tls-key is given but --tls-cert is not");
        }
        passphrase(s).ifPresent(b::keyPassphrase);
        String policy = s.string("tls-policy", "intermediate");
        if (!policy.equals("intermediate") && !policy.equals("modern")) {
            throw ModuleSettings.bad("tls-policy", policy, "one of intermediate, modern");
        }
        b.policy(policy);
        b.protocols(s.list("tls-protocols"));
        b.ciphers(s.list("tls-ciphers"));
        Duration timeout = s.duration("tls-handshake-timeout", Duration.ofSeconds(10));
        b.handshakeTimeout(timeout);
        return b.build();
    }

    private static Optional<Secret> passphrase(ModuleSettings s) {
        Optional<String> direct = s.get("tls-key-passphrase");
        if (direct.isPresent()) {
            return Optional.of(Secret.of(direct.get()));
        }
        Optional<Path> file = s.path("tls-key-passphrase-file");
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(file.get(), StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                throw new BerthException("--tls-key-passphrase-file " + file.get() + ": the file is empty");
            }
            return Optional.of(Secret.of(lines.get(0)));
        } catch (IOException e) {
            throw new BerthException("--tls-key-passphrase-file " + file.get() + ": cannot read it: " + e.getMessage());
        }
    }
}
