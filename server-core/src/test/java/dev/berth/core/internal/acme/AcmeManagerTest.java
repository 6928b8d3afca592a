package dev.berth.core.internal.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.tls.AcmeConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcmeManagerTest {
    @TempDir
    Path dir;

    private AcmeManager manager(Duration first, Duration max) {
        AcmeConfig c = AcmeConfig.builder().directory(URI.create("https://127.0.0.1:1/dir")).domains(List.of("example.com"))
                .agreeToTerms(true).retry(first, max).build();
        return new AcmeManager(c, dir, new AcmeChallenges(), new SimpleMeterRegistry(), () -> { });
    }

    @Test
    void theWaitAfterFailuresDoublesWithJitterUpToTheMaximum() {
        try (AcmeManager m = manager(Duration.ofSeconds(10), Duration.ofSeconds(100))) {
            for (int round = 0; round < 50; round++) {
                long first = m.backoff(1).toMillis();
                long third = m.backoff(3).toMillis();
                long tenth = m.backoff(10).toMillis();
                assertTrue(first >= 8_000 && first <= 12_000, "10 s ±20%: " + first);
                assertTrue(third >= 32_000 && third <= 48_000, "40 s ±20%: " + third);
                assertTrue(tenth >= 80_000 && tenth <= 120_000, "capped at 100 s ±20%: " + tenth);
            }
            assertTrue(m.backoff(64).toMillis() <= 120_000, "no overflow after many failures");
        }
    }

    @Test
    void renewalIsDueWhenAThirdOfTheLifetimeIsLeft() throws Exception {
        try (AcmeManager m = manager(Duration.ofSeconds(1), Duration.ofSeconds(2))) {
            java.security.cert.X509Certificate leaf;
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(dev.berth.core.tls.TestPki.file("a.example.com.crt"))) {
                leaf = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(in);
            }
            Instant from = leaf.getNotBefore().toInstant();
            Instant to = leaf.getNotAfter().toInstant();
            Duration lifetime = Duration.between(from, to);
            assertEquals(to.minus(lifetime.dividedBy(3)).getEpochSecond(), m.due(leaf).getEpochSecond());
            assertTrue(AcmeManager.covers(leaf, List.of("a.example.com")));
            assertFalse(AcmeManager.covers(leaf, List.of("a.example.com", "mail.example.com")),
                    "a stored certificate that misses a configured name is not served: a new one is ordered");
        }
    }
}
