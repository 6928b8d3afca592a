package dev.berth.http.internal;

import dev.berth.core.spi.ServerContext;
import dev.berth.core.tls.TlsClientAuth;
import dev.berth.core.tls.TlsGeneration;
import dev.berth.core.tls.TlsMaterial;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicSslEngine;
import io.netty.handler.codec.quic.QuicSslSessionContext;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.ClientAuth;
import java.security.cert.X509Certificate;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;

/**
 * The QUIC TLS context of an HTTP/3 listener, following the TLS listener whose certificates it serves: each new
 * QUIC connection gets an engine of the context made from that listener's current {@link TlsGeneration}, rebuilt
 * when a reload (file change, SIGHUP, a newly issued ACME certificate) has made a new generation, so there is one
 * source of truth for both transports; open connections keep theirs. SNI picks a chain by the TCP listener's rule
 * (exact name, then one-label wildcard, then the default). Client certificates are asked for and checked against
 * the same CAs as on TCP ({@code --tls-client-auth}), so HTTP/3 is no way around them.
 *
 * <p>With both an RSA and an ECDSA default chain, TCP chooses by the client's signature algorithms; QUIC cannot,
 * because the QUIC TLS API of Netty 4.2.18 asks for a certificate without showing what the client accepts. QUIC
 * clients all speak TLS 1.3, which requires them to verify {@code ecdsa_secp256r1_sha256} (RFC 8446, section 9.1),
 * so HTTP/3 serves the ECDSA chain to every client without SNI, or with a name no entry serves.
 */
final class QuicTls extends QuicSslContext {
    private final ServerContext server;
    private final String listener;
    private volatile Built built;

    /** The context of generation {@code from}. */
    private record Built(TlsGeneration from, QuicSslContext context) {
    }

    private QuicTls(ServerContext server, String listener) {
        this.server = server;
        this.listener = listener;
    }

    /** The QUIC side of the TLS listener {@code listener} of {@code server}, resolved per new connection. */
    static QuicTls following(ServerContext server, String listener) {
        return new QuicTls(server, listener);
    }

    /** The context new connections get now: rebuilt here when the listener's material has been reloaded. */
    QuicSslContext current() throws SSLHandshakeException {
        TlsGeneration now = server.tlsMaterial(listener).orElseThrow(() -> new SSLHandshakeException(
                "listener " + listener + " is not bound yet: no certificate to serve over QUIC"));
        Built b = built;
        if (b == null || b.from() != now) {
            synchronized (this) {
                b = built;
                if (b == null || b.from() != now) {
                    b = new Built(now, build(now));
                    built = b;
                }
            }
        }
        return b.context();
    }

    /** A server context for {@code generation}: its default chain (ECDSA when there are two), SNI to the others. */
    static QuicSslContext build(TlsGeneration generation) {
        TlsMaterial fallback = generation.ecdsaMaterial().orElse(generation.defaultMaterial());
        Map<TlsMaterial, QuicSslContext> byMaterial = new IdentityHashMap<>();
        for (TlsMaterial m : generation.byHostName().values()) {
            byMaterial.computeIfAbsent(m, k -> builder(k, generation).build());
        }
        QuicSslContext defaultContext = builder(fallback, generation).build();
        byMaterial.put(fallback, defaultContext);
        if (generation.byHostName().isEmpty()) {
            return defaultContext;
        }
        // BoringSSL moves the connection to the mapped context when the ClientHello names a host
        return builder(fallback, generation)
                .sni(name -> byMaterial.get(generation.materialFor(name, fallback)))
                .build();
    }

    /** A context serving {@code m}, asking for and checking client certificates as the TCP listener does. */
    private static QuicSslContextBuilder builder(TlsMaterial m, TlsGeneration generation) {
        List<X509Certificate> chain = m.certificateChain();
        QuicSslContextBuilder b = QuicSslContextBuilder.forServer(m.privateKey(), null,
                        chain.toArray(new X509Certificate[0]))
                .applicationProtocols(Http3.supportedApplicationProtocols());
        if (generation.clientAuth() != TlsClientAuth.NONE) {
            b.trustManager(generation.clientCas().toArray(new X509Certificate[0]))
                    .clientAuth(generation.clientAuth() == TlsClientAuth.REQUIRED ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        }
        return b;
    }

    private QuicSslContext currentUnchecked() {
        try {
            return current();
        } catch (SSLHandshakeException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public QuicSslEngine newEngine(ByteBufAllocator alloc) {
        return currentUnchecked().newEngine(alloc);
    }

    @Override
    public QuicSslEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
        return currentUnchecked().newEngine(alloc, peerHost, peerPort);
    }

    @Override
    public QuicSslSessionContext sessionContext() {
        return currentUnchecked().sessionContext();
    }

    @Override
    public boolean isClient() {
        return false;
    }

    @Override
    public List<String> cipherSuites() {
        return currentUnchecked().cipherSuites();
    }

    @Override
    @SuppressWarnings("deprecation")
    public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
        return currentUnchecked().applicationProtocolNegotiator();
    }
}
