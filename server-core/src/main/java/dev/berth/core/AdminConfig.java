package dev.berth.core;

import dev.berth.core.tls.Secret;
import dev.berth.core.tls.TlsConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin listener's settings, immutable: where it binds, whether it is on, the bearer token every
 * request but {@code /healthz} must carry, and its TLS. It binds to an address other than a loopback
 * one only with both TLS and a token, since it tells anyone who reaches it how the server is doing.
 */
public final class AdminConfig {
    /** The admin listener's name in logs, the ready file and {@link Server#localAddress(String)}. */
    public static final String NAME = "admin";
    /** Prometheus's registered default port for exporters of this kind. */
    public static final int DEFAULT_PORT = 9464;
    /** The host it binds unless told otherwise: this machine only. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    private static final AdminConfig DISABLED = new AdminConfig(false, DEFAULT_HOST, DEFAULT_PORT, null, null);

    private final boolean enabled;
    private final String host;
    private final int port;
    private final Secret bearerToken;
    private final TlsConfig tls;

    private AdminConfig(boolean enabled, String host, int port, Secret bearerToken, TlsConfig tls) {
        this.enabled = enabled;
        this.host = host;
        this.port = port;
        this.bearerToken = bearerToken;
        this.tls = tls;
    }

    /** No admin listener: what a server built in code has unless it asks for one. */
    public static AdminConfig disabled() {
        return DISABLED;
    }

    /** An enabled admin listener on 127.0.0.1:9464, plaintext and without a token, to adjust. */
    public static Builder builder() {
        return new Builder();
    }

    public boolean enabled() {
        return enabled;
    }

    public String host() {
        return host;
    }

    /** The port; 0 means an ephemeral one, which {@link Server#localAddress(String)} then gives. */
    public int port() {
        return port;
    }

    /** The token requests must carry as {@code Authorization: Bearer TOKEN}; empty: none is asked for. */
    public Optional<Secret> bearerToken() {
        return Optional.ofNullable(bearerToken);
    }

    /** The TLS it serves (implicit TLS, HTTPS); empty: plaintext HTTP. */
    public Optional<TlsConfig> tls() {
        return Optional.ofNullable(tls);
    }

    @Override
    public String toString() {
        return enabled ? "admin " + (tls == null ? "http" : "https") + "://" + Addresses.hostPort(host, port)
                + (bearerToken == null ? "" : " (token required)") : "admin disabled";
    }

    /** Builds an {@link AdminConfig}; {@link #build()} checks the rule about non-loopback addresses. */
    public static final class Builder {
        private boolean enabled = true;
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private Secret bearerToken;
        private TlsConfig tls;

        private Builder() {
        }

        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new BerthException("admin listener: port " + port + " is not between 0 and 65535", "admin.port");
            }
            this.port = port;
            return this;
        }

        /** The bearer token; null for none. */
        public Builder bearerToken(Secret token) {
            if (token != null && token.reveal().length == 0) {
                throw new BerthException("admin listener: the bearer token is empty", "admin.token");
            }
            this.bearerToken = token;
            return this;
        }

        /** TLS for the admin listener; null for plaintext. */
        public Builder tls(TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        /**
         * The settings; refuses an enabled listener on an address that is not a loopback one unless both
         * TLS and a bearer token are set, naming {@code admin.host}.
         */
        public AdminConfig build() {
            if (!enabled) {
                return new AdminConfig(false, host, port, bearerToken, tls);
            }
            InetAddress address;
            try {
                address = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw new BerthException("admin listener: '" + host + "' is not a valid address", "admin.host");
            }
            if (!address.isLoopbackAddress() && (tls == null || bearerToken == null)) {
                throw new BerthException("admin listener: " + host + " is not a loopback address; the admin listener "
                        + "binds there only with both TLS and a bearer token (missing: "
                        + (tls == null && bearerToken == null ? "TLS and the token" : tls == null ? "TLS" : "the token")
                        + ")", "admin.host");
            }
            return new AdminConfig(true, host, port, bearerToken, tls);
        }
    }
}
