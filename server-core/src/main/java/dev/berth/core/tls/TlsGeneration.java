package dev.berth.core.tls;

import dev.berth.core.internal.tls.HostNames;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One loaded generation of the material a TLS listener serves: its default chain and key, the ECDSA one beside it
 * if any, and those chosen by SNI host name (the configured entries, and the ACME certificate's names). A reload,
 * by file change, SIGHUP or a newly issued ACME certificate, makes a new generation; an unchanged one is the same
 * object, so a protocol that builds its own TLS context from it (QUIC) can rebuild exactly when it changes. It
 * carries the listener's client-certificate policy too, so that such a context asks for and checks client
 * certificates exactly as the TCP listener does.
 */
public final class TlsGeneration {
    private final TlsMaterial defaultMaterial;
    private final Optional<TlsMaterial> ecdsaMaterial;
    private final Map<String, TlsMaterial> byHostName;
    private final TlsClientAuth clientAuth;
    private final List<X509Certificate> clientCas;

    /**
     * A generation serving {@code defaultMaterial} (the RSA chain when there are two), {@code ecdsaMaterial} beside
     * it, and {@code byHostName} for SNI (exact names, and wildcards as {@code *.domain}, normalized), asking for no
     * client certificate.
     */
    public TlsGeneration(TlsMaterial defaultMaterial, Optional<TlsMaterial> ecdsaMaterial,
                         Map<String, TlsMaterial> byHostName) {
        this(defaultMaterial, ecdsaMaterial, byHostName, TlsClientAuth.NONE, List.of());
    }

    /**
     * As above, with the client-certificate policy: {@code clientAuth} and the CAs a client certificate must chain
     * to ({@code clientCas}, not empty unless {@code clientAuth} is {@link TlsClientAuth#NONE}).
     */
    public TlsGeneration(TlsMaterial defaultMaterial, Optional<TlsMaterial> ecdsaMaterial,
                         Map<String, TlsMaterial> byHostName, TlsClientAuth clientAuth, List<X509Certificate> clientCas) {
        this.defaultMaterial = Objects.requireNonNull(defaultMaterial, "defaultMaterial");
        this.ecdsaMaterial = Objects.requireNonNull(ecdsaMaterial, "ecdsaMaterial");
        this.byHostName = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byHostName));
        this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
        this.clientCas = List.copyOf(clientCas);
        if (clientAuth != TlsClientAuth.NONE && this.clientCas.isEmpty()) {
            throw new IllegalArgumentException("client authentication " + clientAuth + " needs at least one CA");
        }
    }

    /** Whether the listener asks clients for a certificate, and whether it requires one. */
    public TlsClientAuth clientAuth() {
        return clientAuth;
    }

    /** The CAs a client certificate must chain to; empty when {@link #clientAuth()} is {@code NONE}. */
    public List<X509Certificate> clientCas() {
        return clientCas;
    }

    /** What a client without SNI, or with a name no entry serves, gets: the only chain, or the RSA one of two. */
    public TlsMaterial defaultMaterial() {
        return defaultMaterial;
    }

    /** With both an RSA and an ECDSA default chain, the ECDSA one; else empty. */
    public Optional<TlsMaterial> ecdsaMaterial() {
        return ecdsaMaterial;
    }

    /** The material chosen by SNI host name: exact names, and wildcards as {@code *.domain}. */
    public Map<String, TlsMaterial> byHostName() {
        return byHostName;
    }

    /**
     * The material for a client's SNI host name by the rule TCP listeners use: the exact name, then a one-label
     * wildcard, then {@code fallback} (null host name: {@code fallback}).
     */
    public TlsMaterial materialFor(String hostName, TlsMaterial fallback) {
        return HostNames.lookup(byHostName, hostName, fallback);
    }
}
