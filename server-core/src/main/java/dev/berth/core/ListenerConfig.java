package dev.berth.core;

import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsMode;
import java.util.Locale;
import java.util.Objects;

/**
 * One listener: its name, address, transport, the protocol module that serves it, and its TLS,
 * PROXY protocol and limit settings. Immutable; made with {@link #tcp(String)} or {@link #udp(String)}.
 */
public final class ListenerConfig {
    private final String name;
    private final String host;
    private final int port;
    private final Transport transport;
    private final String protocol;
    private final TlsMode tlsMode;
    private final TlsConfig tls;
    private final Limits limits;
    private final ProxyProtocolConfig proxyProtocol;
    private final boolean reusePort;

    private ListenerConfig(Builder b) {
        this.name = b.name;
        this.host = b.host;
        this.port = b.port;
        this.transport = b.transport;
        this.protocol = b.protocol == null ? b.name : b.protocol;
        this.tlsMode = b.tlsMode;
        this.tls = b.tls;
        this.limits = b.limits;
        this.proxyProtocol = b.proxyProtocol;
        this.reusePort = b.reusePort;
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new BerthException("listener name '" + name + "' must be lower-case letters, digits and dashes");
        }
        if (port < 0 || port > 65_535) {
            throw new BerthException("listener " + name + ": port " + port + " is outside 0..65535");
        }
        if (host.isBlank()) {
            throw new BerthException("listener " + name + ": host is empty");
        }
        if (transport == Transport.UDP && tlsMode != TlsMode.NONE) {
            throw new BerthException("listener " + name + ": TLS mode " + tlsMode.name().toLowerCase(Locale.ROOT)
                    + " is not available on UDP");
        }
        if (transport == Transport.UDP && proxyProtocol.mode() != ProxyProtocol.OFF) {
            throw new BerthException("listener " + name + ": the PROXY protocol is not available on UDP");
        }
    }

    /** Starts a TCP listener named {@code name}, on 0.0.0.0 port 0, serving the protocol of the same name. */
    public static Builder tcp(String name) {
        return new Builder(name, Transport.TCP);
    }

    /** Starts a UDP listener named {@code name}, on 0.0.0.0 port 0, serving the protocol of the same name. */
    public static Builder udp(String name) {
        return new Builder(name, Transport.UDP);
    }

    public String name() {
        return name;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Transport transport() {
        return transport;
    }

    /** The {@code ProtocolModule.name()} that serves this listener. */
    public String protocol() {
        return protocol;
    }

    public TlsMode tlsMode() {
        return tlsMode;
    }

    /** The TLS material and policy; used only when {@link #tlsMode()} is not {@code NONE}. */
    public TlsConfig tls() {
        return tls;
    }

    public Limits limits() {
        return limits;
    }

    public ProxyProtocolConfig proxyProtocol() {
        return proxyProtocol;
    }

    /** SO_REUSEPORT, so that several processes can share the port (native transports only). */
    public boolean reusePort() {
        return reusePort;
    }

    /** The configured address, for messages: {@code tcp://127.0.0.1:7007}. */
    public String describeAddress() {
        return Addresses.uri(transport, host, port);
    }

    /** A builder holding this listener's values, to change a few of them. */
    public Builder toBuilder() {
        Builder b = new Builder(name, transport);
        b.host = host;
        b.port = port;
        b.protocol = protocol;
        b.tlsMode = tlsMode;
        b.tls = tls;
        b.limits = limits;
        b.proxyProtocol = proxyProtocol;
        b.reusePort = reusePort;
        return b;
    }

    @Override
    public String toString() {
        return name + " " + describeAddress() + " protocol=" + protocol + " tls=" + tlsMode + " proxy=" + proxyProtocol;
    }

    /** Collects a listener's settings. */
    public static final class Builder {
        private final String name;
        private final Transport transport;
        private String host = "0.0.0.0";
        private int port;
        private String protocol;
        private TlsMode tlsMode = TlsMode.NONE;
        private TlsConfig tls = TlsConfig.defaults();
        private Limits limits = Limits.DEFAULTS;
        private ProxyProtocolConfig proxyProtocol = ProxyProtocolConfig.OFF;
        private boolean reusePort;

        private Builder(String name, Transport transport) {
            this.name = Objects.requireNonNull(name, "name");
            this.transport = transport;
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder protocol(String protocol) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            return this;
        }

        public Builder tlsMode(TlsMode mode) {
            this.tlsMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        public Builder tls(TlsConfig tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        public Builder proxyProtocol(ProxyProtocolConfig proxyProtocol) {
            this.proxyProtocol = Objects.requireNonNull(proxyProtocol, "proxyProtocol");
            return this;
        }

        public Builder reusePort(boolean reusePort) {
            this.reusePort = reusePort;
            return this;
        }

        public ListenerConfig build() {
            return new ListenerConfig(this);
        }
    }
}
