package dev.berth.core.tls;

import dev.berth.core.BerthException;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds a listener's {@link TlsContextProvider} from its {@link TlsConfig}. */
public final class TlsContexts {
    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

    /** Mozilla's intermediate list: ECDHE key exchange and AEAD ciphers only. */
    static final List<String> INTERMEDIATE_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsContexts() {
    }

    /**
     * A provider for a listener; {@code alpn} is the protocols the listener's module speaks, in
     * order of preference (empty for none).
     */
    public static TlsContextProvider provider(TlsConfig config, Path dataDirectory, List<String> alpn) {
        SslContext context = build(config, dataDirectory, alpn);
        return hostName -> context;
    }

    private static SslContext build(TlsConfig config, Path dataDirectory, List<String> alpn) {
        Path chain;
        Path key;
        if (config.certificateChain().isPresent()) {
            chain = config.certificateChain().get();
            key = config.privateKey().orElse(chain);
        } else {
            Path dir = dataDirectory.resolve("tls");
            chain = dir.resolve("self-signed.crt");
            key = dir.resolve("self-signed.key");
            if (!Files.exists(chain) || !Files.exists(key)) {
                generateSelfSigned(dir, chain, key);
            }
        }
        try {
            String pass = config.keyPassphrase().map(s -> new String(s.reveal())).orElse(null);
            SslContextBuilder b = SslContextBuilder.forServer(chain.toFile(), key.toFile(), pass)
                    .sslProvider(SslProvider.isAlpnSupported(SslProvider.OPENSSL) ? SslProvider.OPENSSL : SslProvider.JDK)
                    .protocols(config.protocols().isEmpty()
                            ? ("modern".equals(config.policy()) ? List.of("TLSv1.3") : List.of("TLSv1.3", "TLSv1.2"))
                            : config.protocols())
                    .ciphers(config.ciphers().isEmpty() ? INTERMEDIATE_CIPHERS : config.ciphers());
            if (!alpn.isEmpty()) {
                b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
            }
            return b.build();
        } catch (Exception e) {
            throw new BerthException("TLS material " + chain + ": " + e.getMessage(), e);
        }
    }

    private static void generateSelfSigned(Path dir, Path chain, Path key) {
        try {
            Files.createDirectories(dir);
            SelfSignedCertificate ssc = new SelfSignedCertificate("localhost", "EC", 256);
            Files.copy(ssc.certificate().toPath(), chain, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(ssc.privateKey().toPath(), key, StandardCopyOption.REPLACE_EXISTING);
            ssc.delete();
            log.warn("generated a self-signed certificate for testing in {}", dir);
        } catch (Exception e) {
            throw new BerthException("cannot create a self-signed certificate in " + dir + ": " + e.getMessage(), e);
        }
    }

}
