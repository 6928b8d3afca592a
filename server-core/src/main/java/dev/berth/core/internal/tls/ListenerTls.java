package dev.berth.core.internal.tls;

import dev.berth.core.internal.acme.AcmeChallenges;
import dev.berth.core.tls.ClientHello;
import io.netty.handler.ssl.SslContext;
import dev.berth.core.internal.metrics.TlsMeters;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsContextProvider;
import dev.berth.core.tls.TlsGeneration;
import dev.berth.core.tls.TlsMode;
import io.netty.util.AttributeKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The TLS of one TCP listener whose mode is not {@link TlsMode#NONE}: its mode, the provider of its
 * contexts (shared with every listener of equal settings), its settings, and its handshake meters.
 */
public final class ListenerTls {
    /** The channel attribute holding the TLS of a connection's listener; absent on plaintext-only listeners. */
    public static final AttributeKey<ListenerTls> KEY = AttributeKey.valueOf("berth.listener-tls");

    private final TlsMode mode;
    private final ReloadingContextProvider provider;
    private final TlsConfig config;
    private final Optional<TlsMeters> meters;
    private final Set<String> sniNames;
    private final Optional<AcmeChallenges> acme;

    ListenerTls(TlsMode mode, ReloadingContextProvider provider, TlsConfig config) {
        this(mode, provider, config, Optional.empty());
    }

    ListenerTls(TlsMode mode, ReloadingContextProvider provider, TlsConfig config, Optional<TlsMeters> meters) {
        this(mode, provider, config, meters, Optional.empty());
    }

    ListenerTls(TlsMode mode, ReloadingContextProvider provider, TlsConfig config, Optional<TlsMeters> meters,
                Optional<AcmeChallenges> acme) {
        this.acme = acme;
        if (mode == TlsMode.NONE) {
            throw new IllegalArgumentException("a listener without TLS has no ListenerTls");
        }
        this.mode = mode;
        this.provider = provider;
        this.config = config;
        this.meters = meters;
        this.sniNames = config.sniEntries().stream().map(e -> e.hostName()).collect(Collectors.toUnmodifiableSet());
    }

    public TlsMode mode() {
        return mode;
    }

    public TlsContextProvider provider() {
        return provider;
    }

    /** How long a client has for its handshake, at accept and after STARTTLS: the {@link TlsConfig}'s. */
    public Duration handshakeTimeout() {
        return config.handshakeTimeout();
    }

    /**
     * The TLS-ALPN-01 validation context for an ACME server's ClientHello (RFC 8737: ALPN {@code acme-tls/1},
     * SNI the name being validated) while that challenge is pending; empty for every other client.
     */
    public Optional<SslContext> acmeValidation(String hostName, ClientHello hello) {
        if (acme.isEmpty() || !hello.offersAcmeTls()) {
            return Optional.empty();
        }
        return acme.get().tlsAlpn01(hostName);
    }

    /** Where handshakes are counted; empty for a listener made without meters. */
    public Optional<TlsMeters> meters() {
        return meters;
    }

    /**
     * The bounded name a client's SNI host name is counted under: the configured SNI entry that serves
     * it (exact, else the one-label wildcard), or {@code default}; the same rule as the context lookup.
     */
    public String sniBucket(String hostName) {
        if (hostName == null || hostName.isEmpty() || sniNames.isEmpty()) {
            return ReloadingContextProvider.DEFAULT_BUCKET;
        }
        String h = HostNames.normalize(hostName);
        if (sniNames.contains(h)) {
            return h;
        }
        int dot = h.indexOf('.');
        if (dot > 0 && sniNames.contains("*" + h.substring(dot))) {
            return "*" + h.substring(dot);
        }
        return ReloadingContextProvider.DEFAULT_BUCKET;
    }

    /** The leaf certificates served now, by SNI bucket; a reload shows here at once. */
    public Map<String, X509Certificate> servedCertificates() {
        return provider.servedCertificates();
    }

    /** The keys and chains served now, for protocols that build their own contexts (QUIC); a reload shows at once. */
    public TlsGeneration material() {
        return provider.material();
    }

    @Override
    public String toString() {
        return "ListenerTls[" + mode + ", " + config + "]";
    }
}
