package dev.berth.core.internal.tls;

import dev.berth.core.BerthException;
import dev.berth.core.tls.TlsClientAuth;
import dev.berth.core.tls.TlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/** Makes Netty {@link SslContext}s from checked material, the policy and the chosen TLS library. */
final class ContextFactory {
    private ContextFactory() {
    }

    /** The library a configuration asks for: OpenSSL when it loads (or when forced), the JDK's otherwise. */
    static SslProvider provider(TlsConfig config) {
        switch (config.library()) {
            case JDK:
                return SslProvider.JDK;
            case OPENSSL:
                if (!OpenSsl.isAvailable()) {
                    throw new BerthException("TlsConfig: library OPENSSL: netty-tcnative (BoringSSL) does not load here ("
                            + OpenSsl.unavailabilityCause() + "); set library to AUTO or JDK", "tls.library");
                }
                return SslProvider.OPENSSL;
            default:
                return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        }
    }

    /** A server context serving one chain and its key. */
    static SslContext build(CertifiedKey pair, TlsConfig config, EnabledSuites suites, SslProvider provider,
                            X509Certificate[] clientCas, List<String> alpn) {
        try {
            SslContextBuilder b = SslContextBuilder.forServer(pair.key, pair.chainArray())
                    .sslProvider(provider).protocols(suites.protocols).ciphers(suites.ciphers);
            if (config.clientAuth() != TlsClientAuth.NONE) {
                b.trustManager(clientCas).clientAuth(
                        config.clientAuth() == TlsClientAuth.REQUIRED ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
            }
            if (!alpn.isEmpty()) {
                b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
            }
            return b.build();
        } catch (SSLException | RuntimeException e) {
            throw new BerthException("TLS certificate chain " + pair.chainFile + ": the "
                    + EnabledSuites.libraryName(provider) + " TLS library refuses it: " + e.getMessage(), e);
        }
    }

    /** "protocols ...; ciphers ..." as a fresh engine of the context really enables them. */
    static String effective(SslContext context) {
        SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
        try {
            List<String> protocols = Arrays.stream(engine.getEnabledProtocols())
                    .filter(p -> !p.equals("SSLv2Hello")).collect(Collectors.toList());
            boolean tls13 = protocols.contains("TLSv1.3");
            boolean older = protocols.stream().anyMatch(p -> !p.equals("TLSv1.3"));
            // OpenSSL keeps a TLS 1.2 list even when only TLS 1.3 is on: show only suites an enabled protocol can use.
            List<String> ciphers = Arrays.stream(engine.getEnabledCipherSuites())
                    .filter(c -> EnabledSuites.isTls13(c) ? tls13 : older).collect(Collectors.toList());
            return "protocols " + String.join(",", protocols) + "; ciphers " + String.join(",", ciphers);
        } finally {
            ReferenceCountUtil.release(engine);
        }
    }
}
