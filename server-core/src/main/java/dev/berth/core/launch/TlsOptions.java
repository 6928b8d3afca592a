package dev.berth.core.launch;

import dev.berth.core.BerthException;
import dev.berth.core.tls.AcmeConfig;
import dev.berth.core.tls.Secret;
import dev.berth.core.tls.SniEntry;
import dev.berth.core.tls.TlsClientAuth;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsLibrary;
import dev.berth.core.tls.TlsPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
                ModuleOption.of("tls-handshake-timeout", "DURATION", "10s", "Time a client has to complete its TLS handshake."),
                ModuleOption.of("tls-cert2", "FILE", null,
                        "A second PEM chain of the other key type (e.g. RSA beside an ECDSA --tls-cert) on the same listeners."),
                ModuleOption.of("tls-key2", "FILE", null, "The key of --tls-cert2 (default: appended to --tls-cert2)."),
                ModuleOption.of("tls-sni", "LIST", null,
                        "Certificates by SNI host name: HOST=CHAIN[:KEY],... HOST may be *.example.com; other names get --tls-cert."),
                ModuleOption.of("tls-client-auth", "MODE", "none", "Client certificates: none, optional or required."),
                ModuleOption.of("tls-client-ca", "FILE", null, "PEM bundle of the CAs client certificates must chain to."),
                ModuleOption.of("tls-provider", "NAME", "auto", "TLS library: auto (OpenSSL if it loads, else JDK), openssl or jdk."),
                ModuleOption.of("tls-allow-expired", "BOOL", "false",
                        "Serve a leaf certificate that has expired or is not yet valid (a warning instead of an error)."),
                ModuleOption.of("tls-reload-interval", "DURATION", "10s",
                        "Changed certificate and key files are noticed at once; this is how often they are also read again, in case change events are missed (0 turns both off; SIGHUP reloads too)."),
                ModuleOption.of("acme-domains", "LIST", null,
                        "Get and renew a certificate for these host names from an ACME server (see --acme-challenge)."),
                ModuleOption.of("acme-directory", "URL", null,
                        "The ACME server: letsencrypt, letsencrypt-staging or a directory URL (step-ca, pebble)."),
                ModuleOption.of("acme-directory-ca", "FILE", null,
                        "PEM bundle to trust for the ACME server's own HTTPS (a private ACME server), instead of the JDK's trust store."),
                ModuleOption.of("acme-email", "ADDRESS", null, "Contact address of the ACME account."),
                ModuleOption.of("acme-challenge", "TYPE", "auto",
                        "http-01 (the plaintext HTTP listener, port 80), tls-alpn-01 (a TLS listener, port 443) or auto (http-01 when an HTTP listener is plaintext)."),
                ModuleOption.of("acme-agree-tos", "BOOL", "false", "Agree to the ACME server's terms of service (required)."),
                ModuleOption.of("acme-retry-first", "DURATION", "1m",
                        "Wait after a failed ACME order; it doubles (with jitter) on each failure in a row."),
                ModuleOption.of("acme-retry-max", "DURATION", "6h", "The longest wait between failed ACME orders."));
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
        b.policy(s.choice("tls-policy", TlsPolicy.class, TlsPolicy.INTERMEDIATE));
        b.protocols(s.list("tls-protocols"));
        b.ciphers(s.list("tls-ciphers"));
        Duration timeout = s.duration("tls-handshake-timeout", Duration.ofSeconds(10));
        if (timeout.isZero() || timeout.isNegative()) {
            throw ModuleSettings.bad("tls-handshake-timeout", s.string("tls-handshake-timeout", ""),
                    "a positive duration such as 10s");
        }
        b.handshakeTimeout(timeout);
        s.path("tls-cert2").ifPresent(b::secondCertificateChain);
        s.path("tls-key2").ifPresent(b::secondPrivateKey);
        if (s.get("tls-key2").isPresent() && s.get("tls-cert2").isEmpty()) {
            throw new BerthException("--tls-key2 is given but --tls-cert2 is not");
        }
        if (s.get("tls-cert2").isPresent() && s.get("tls-cert").isEmpty()) {
            throw new BerthException("--tls-cert2 is given but --tls-cert is not");
        }
        b.sniEntries(sniEntries(s.list("tls-sni")));
        TlsClientAuth clientAuth = s.choice("tls-client-auth", TlsClientAuth.class, TlsClientAuth.NONE);
        b.clientAuth(clientAuth);
        s.path("tls-client-ca").ifPresent(b::clientCaBundle);
        if (clientAuth != TlsClientAuth.NONE && s.get("tls-client-ca").isEmpty()) {
            throw new BerthException("--tls-client-auth " + s.string("tls-client-auth", "")
                    + " needs --tls-client-ca, the PEM bundle of CAs that client certificates must chain to");
        }
        b.library(s.choice("tls-provider", TlsLibrary.class, TlsLibrary.AUTO));
        b.allowExpired(s.bool("tls-allow-expired", false));
        b.reloadInterval(s.duration("tls-reload-interval", Duration.ofSeconds(10)));
        acme(s).ifPresent(b::acme);
        return b.build();
    }

    /** The ACME settings, when {@code --acme-domains} is given; the other ACME flags alone are an error. */
    private static Optional<AcmeConfig> acme(ModuleSettings s) {
        List<String> domains = s.list("acme-domains");
        if (domains.isEmpty()) {
            for (String other : List.of("acme-directory", "acme-directory-ca", "acme-email")) {
                if (s.get(other).isPresent()) {
                    throw new BerthException("--" + other + " is given but --acme-domains is not");
                }
            }
            return Optional.empty();
        }
        String directory = s.get("acme-directory").orElseThrow(() -> new BerthException(
                "--acme-domains needs --acme-directory: letsencrypt, letsencrypt-staging or the ACME server's directory URL"));
        try {
            AcmeConfig.Builder a = AcmeConfig.builder().directory(AcmeConfig.directoryOf(directory)).domains(domains)
                    .agreeToTerms(s.bool("acme-agree-tos", false));
            s.path("acme-directory-ca").ifPresent(a::directoryCa);
            s.get("acme-email").ifPresent(a::email);
            a.retry(s.duration("acme-retry-first", Duration.ofMinutes(1)), s.duration("acme-retry-max", Duration.ofHours(6)));
            String challenge = s.string("acme-challenge", "auto");
            switch (challenge.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "auto" -> a.challenge(AcmeConfig.Challenge.AUTO);
                case "http-01" -> a.challenge(AcmeConfig.Challenge.HTTP_01);
                case "tls-alpn-01" -> a.challenge(AcmeConfig.Challenge.TLS_ALPN_01);
                default -> throw ModuleSettings.bad("acme-challenge", challenge, "auto, http-01 or tls-alpn-01");
            }
            return Optional.of(a.build());
        } catch (BerthException e) {
            throw new BerthException(e.getMessage().replace("AcmeConfig: directory ", "--acme-directory ")
                    .replace("AcmeConfig: domains ", "--acme-domains ").replace("AcmeConfig: domain ", "--acme-domains: ")
                    .replace("AcmeConfig: agreeToTerms is not set", "--acme-agree-tos is not given")
                    .replace(" (--acme-agree-tos)", "").replace("AcmeConfig: email ", "--acme-email ")
                    .replace("AcmeConfig: retry needs", "--acme-retry-first and --acme-retry-max need"));
        }
    }

    /** {@code HOST=CHAIN[:KEY]} items; the key defaults to the chain file (key appended). */
    static List<SniEntry> sniEntries(List<String> items) {
        List<SniEntry> out = new ArrayList<>();
        Set<String> hosts = new HashSet<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0 || eq == item.length() - 1) {
                throw ModuleSettings.bad("tls-sni", item, "HOST=CHAIN.pem or HOST=CHAIN.pem:KEY.pem");
            }
            String host = item.substring(0, eq).trim();
            String files = item.substring(eq + 1).trim();
            int colon = files.lastIndexOf(':');
            Path chain = Path.of(colon < 0 ? files : files.substring(0, colon));
            Path key = colon < 0 ? null : Path.of(files.substring(colon + 1));
            SniEntry e;
            try {
                e = SniEntry.of(host, chain, key);
            } catch (IllegalArgumentException ex) {
                throw ModuleSettings.bad("tls-sni", item, "HOST=CHAIN[:KEY] with HOST a host name or *.domain");
            }
            if (!hosts.add(e.hostName())) {
                throw ModuleSettings.bad("tls-sni", item, "a new host name: " + e.hostName() + " is given twice");
            }
            out.add(e);
        }
        return out;
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
