package dev.berth.bench;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.util.List;
import javax.net.ssl.SSLException;

/** The baselines' TLS: Mozilla's intermediate policy on BoringSSL, as the nginx anchor is configured. */
final class TlsContext {
    /** Mozilla intermediate TLS 1.2 suites (the DHE ones are left out: neither anchor has DH parameters). */
    static final List<String> INTERMEDIATE_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
            "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
            "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305");

    private TlsContext() {
    }

    /** A client that trusts any certificate: the load clients talk to servers on loopback that they started. */
    static SslContext trustingClient() throws SSLException {
        return SslContextBuilder.forClient()
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE)
                .build();
    }

    static SslContext server(String certFile, String keyFile) throws SSLException {
        return SslContextBuilder.forServer(new File(certFile), new File(keyFile))
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .ciphers(INTERMEDIATE_CIPHERS)
                .build();
    }
}
