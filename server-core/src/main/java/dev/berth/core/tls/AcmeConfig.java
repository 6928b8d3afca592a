package dev.berth.core.tls;

import dev.berth.core.BerthException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Certificates got and renewed from an ACME server (RFC 8555: Let's Encrypt, a company's step-ca, pebble)
 * for a list of host names, served by every TLS listener that has this in its {@link TlsConfig}.
 *
 * <p>The account key and the issued chain and key are kept under the server's data directory and reused
 * across restarts. Until the first certificate is issued, listeners serve the self-signed default (or the
 * PEM chain configured). The HTTP-01 challenge is answered by the plaintext HTTP listener, TLS-ALPN-01
 * by the TLS listeners ({@link Challenge}).
 */
public final class AcmeConfig {
    /** Let's Encrypt's production directory. */
    public static final URI LETS_ENCRYPT = URI.create("https://acme-v02.api.letsencrypt.org/directory");
    /** Let's Encrypt's staging directory: untrusted certificates, generous rate limits; for trying things out. */
    public static final URI LETS_ENCRYPT_STAGING = URI.create("https://acme-staging-v02.api.letsencrypt.org/directory");

    private final URI directory;
    private final Path directoryCa;
    private final String email;
    private final List<String> domains;
    private final boolean agreeToTerms;
    private final double renewWhenRemaining;
    private final Duration firstRetry;
    private final Duration maxRetry;
    private final Challenge challenge;

    /** How the ACME server is to check that this server answers for a name. */
    public enum Challenge {
        /** HTTP-01 when the server has a plaintext HTTP listener, else TLS-ALPN-01. */
        AUTO,
        /** RFC 8555 8.3: the plaintext HTTP listener answers {@code /.well-known/acme-challenge/TOKEN} (port 80). */
        HTTP_01,
        /** RFC 8737: a TLS listener answers the {@code acme-tls/1} handshake with a validation certificate (port 443). */
        TLS_ALPN_01
    }

    private AcmeConfig(Builder b) {
        this.challenge = b.challenge;
        this.directory = b.directory;
        this.directoryCa = b.directoryCa;
        this.email = b.email;
        this.domains = List.copyOf(b.domains);
        this.agreeToTerms = b.agreeToTerms;
        this.renewWhenRemaining = b.renewWhenRemaining;
        this.firstRetry = b.firstRetry;
        this.maxRetry = b.maxRetry;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The directory URL a flag value names: {@code letsencrypt} and {@code letsencrypt-staging} are the
     * presets, anything else must be an https URL.
     */
    public static URI directoryOf(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "letsencrypt":
                return LETS_ENCRYPT;
            case "letsencrypt-staging":
                return LETS_ENCRYPT_STAGING;
            default:
                URI u;
                try {
                    u = URI.create(value.trim());
                } catch (IllegalArgumentException e) {
                    throw new BerthException("AcmeConfig: directory " + value + " is not a URL");
                }
                if (!"https".equals(u.getScheme()) || u.getHost() == null) {
                    throw new BerthException("AcmeConfig: directory " + value
                            + " must be an https URL, or letsencrypt or letsencrypt-staging");
                }
                return u;
        }
    }

    /** The ACME server's directory URL. */
    public URI directory() {
        return directory;
    }

    /** A PEM bundle to trust for the ACME server's own HTTPS, instead of the JDK's trust store. */
    public Optional<Path> directoryCa() {
        return Optional.ofNullable(directoryCa);
    }

    /** The account's contact address, for the CA's expiry and incident mail. */
    public Optional<String> email() {
        return Optional.ofNullable(email);
    }

    /** The host names of the certificate, the first one naming it; lower case, no wildcards. */
    public List<String> domains() {
        return domains;
    }

    /** True when the operator agreed to the ACME server's terms of service (required to make an account). */
    public boolean agreeToTerms() {
        return agreeToTerms;
    }

    /** Renew when less than this part of the certificate's lifetime is left (default a third). */
    public double renewWhenRemaining() {
        return renewWhenRemaining;
    }

    /** The wait after a first failed attempt; it doubles (with jitter) on each failure up to {@link #maxRetry()}. */
    public Duration firstRetry() {
        return firstRetry;
    }

    public Duration maxRetry() {
        return maxRetry;
    }

    public Challenge challenge() {
        return challenge;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AcmeConfig)) {
            return false;
        }
        AcmeConfig a = (AcmeConfig) o;
        return agreeToTerms == a.agreeToTerms && renewWhenRemaining == a.renewWhenRemaining
                && directory.equals(a.directory) && Objects.equals(directoryCa, a.directoryCa)
                && Objects.equals(email, a.email) && domains.equals(a.domains) && firstRetry.equals(a.firstRetry)
                && maxRetry.equals(a.maxRetry) && challenge == a.challenge;
    }

    @Override
    public int hashCode() {
        return Objects.hash(directory, directoryCa, email, domains, agreeToTerms, renewWhenRemaining, firstRetry, maxRetry,
                challenge);
    }

    @Override
    public String toString() {
        return "AcmeConfig[directory=" + directory + ", domains=" + domains + "]";
    }

    /** Collects ACME settings by name. */
    public static final class Builder {
        private URI directory;
        private Path directoryCa;
        private String email;
        private List<String> domains = List.of();
        private boolean agreeToTerms;
        private double renewWhenRemaining = 1.0 / 3;
        private Duration firstRetry = Duration.ofMinutes(1);
        private Duration maxRetry = Duration.ofHours(6);
        private Challenge challenge = Challenge.AUTO;

        private Builder() {
        }

        public Builder challenge(Challenge challenge) {
            this.challenge = Objects.requireNonNull(challenge, "challenge");
            return this;
        }

        public Builder directory(URI directory) {
            this.directory = directory;
            return this;
        }

        public Builder directoryCa(Path pemBundle) {
            this.directoryCa = pemBundle;
            return this;
        }

        public Builder email(String email) {
            this.email = email;
            return this;
        }

        public Builder domains(List<String> domains) {
            this.domains = List.copyOf(domains);
            return this;
        }

        public Builder agreeToTerms(boolean agree) {
            this.agreeToTerms = agree;
            return this;
        }

        public Builder renewWhenRemaining(double part) {
            this.renewWhenRemaining = part;
            return this;
        }

        /** The first wait after a failure and the longest; for tests against a local ACME server, seconds. */
        public Builder retry(Duration first, Duration max) {
            this.firstRetry = Objects.requireNonNull(first, "first");
            this.maxRetry = Objects.requireNonNull(max, "max");
            return this;
        }

        /** The configuration, checked: fails with a {@link BerthException} naming the setting. */
        public AcmeConfig build() {
            if (directory == null) {
                throw invalid("directory is not set (letsencrypt, letsencrypt-staging or the ACME server's directory URL)");
            }
            if (domains.isEmpty()) {
                throw invalid("domains is empty: name the host names the certificate is for");
            }
            List<String> names = new ArrayList<>();
            for (String d : domains) {
                String n = d.trim().toLowerCase(Locale.ROOT);
                if (n.startsWith("*.")) {
                    throw invalid("domain " + d + ": a wildcard needs the DNS-01 challenge, which Berth does not answer");
                }
                if (!n.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
                    throw invalid("domain " + d + " is not a host name such as example.com");
                }
                if (names.contains(n)) {
                    throw invalid("domain " + d + " is given twice");
                }
                names.add(n);
            }
            domains = names;
            if (!agreeToTerms) {
                throw invalid("agreeToTerms is not set: read the ACME server's terms of service (its directory's"
                        + " meta.termsOfService) and agree to them (--acme-agree-tos)");
            }
            if (email != null && !email.matches("[^@\\s]+@[^@\\s]+")) {
                throw invalid("email " + email + " is not a mail address");
            }
            if (!(renewWhenRemaining > 0 && renewWhenRemaining < 1)) {
                throw invalid("renewWhenRemaining must be between 0 and 1, not " + renewWhenRemaining);
            }
            if (firstRetry.isNegative() || firstRetry.isZero() || maxRetry.compareTo(firstRetry) < 0) {
                throw invalid("retry needs 0 < first <= max, not " + firstRetry + " and " + maxRetry);
            }
            return new AcmeConfig(this);
        }

        private static BerthException invalid(String problem) {
            return new BerthException("AcmeConfig: " + problem);
        }
    }
}
