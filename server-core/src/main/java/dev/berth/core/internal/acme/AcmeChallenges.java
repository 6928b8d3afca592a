package dev.berth.core.internal.acme;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP-01 answers an ACME order is waiting to have fetched: token to key authorization, published
 * just before the challenge is triggered and withdrawn when it is decided. Read by the plaintext HTTP
 * listener on {@code /.well-known/acme-challenge/TOKEN}.
 */
public final class AcmeChallenges {
    private final Map<String, String> http01 = new ConcurrentHashMap<>();

    void publish(String token, String keyAuthorization) {
        http01.put(token, keyAuthorization);
    }

    void withdraw(String token) {
        http01.remove(token);
    }

    /** The key authorization to answer for {@code token}, while its challenge is pending. */
    public Optional<String> http01(String token) {
        return Optional.ofNullable(http01.get(token));
    }
}
