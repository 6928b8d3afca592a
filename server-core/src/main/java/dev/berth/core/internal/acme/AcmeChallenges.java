package dev.berth.core.internal.acme;

import dev.berth.core.internal.tls.HostNames;
import io.netty.handler.ssl.SslContext;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers an ACME order is waiting to have checked, published just before a challenge is triggered
 * and withdrawn when it is decided: for HTTP-01, token to key authorization (read by the plaintext HTTP
 * listener on {@code /.well-known/acme-challenge/TOKEN}); for TLS-ALPN-01, host name to the context with
 * the validation certificate (served by a TLS listener to a ClientHello offering only {@code acme-tls/1}).
 */
public final class AcmeChallenges {
    private final Map<String, String> http01 = new ConcurrentHashMap<>();
    private final Map<String, SslContext> tlsAlpn01 = new ConcurrentHashMap<>();

    void publish(String token, String keyAuthorization) {
        http01.put(token, keyAuthorization);
    }

    void withdraw(String token) {
        http01.remove(token);
    }

    void publish(String host, SslContext validation) {
        tlsAlpn01.put(HostNames.normalize(host), validation);
    }

    void withdrawTlsAlpn(String host) {
        tlsAlpn01.remove(HostNames.normalize(host));
    }

    /** The context with the TLS-ALPN-01 validation certificate for {@code host}, while its challenge is pending. */
    public Optional<SslContext> tlsAlpn01(String host) {
        return host == null ? Optional.empty() : Optional.ofNullable(tlsAlpn01.get(HostNames.normalize(host)));
    }

    /** The key authorization to answer for {@code token}, while its challenge is pending. */
    public Optional<String> http01(String token) {
        return Optional.ofNullable(http01.get(token));
    }
}
