package dev.berth.core.internal.acme;

import dev.berth.core.tls.AcmeConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one ACME certificate current: at start it serves what is stored if it covers the domains and is
 * not yet due, without contacting the ACME server; otherwise, and when renewal is due (a third of the
 * lifetime left, by default), it orders a new one on its own thread. A failed attempt is logged once with
 * the ACME problem and retried after a wait that doubles, with jitter, up to a maximum (or later, when a
 * rate-limited server says when). A new chain is stored, then {@code onIssued} loads it through the same
 * validation and swap as a reloaded PEM file; until then the old certificate keeps being served.
 */
public final class AcmeManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AcmeManager.class);

    private final AcmeConfig config;
    private final AcmeStore store;
    private final AcmeClient client;
    private final Runnable onIssued;
    private final Counter issued;
    private final Counter failed;
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("berth-acme", true));
    private int failures;
    /** Whether names are proved by HTTP-01 (else TLS-ALPN-01): decided at {@link #start}. */
    private volatile boolean http01;

    public AcmeManager(AcmeConfig config, Path dataDirectory, AcmeChallenges challenges, MeterRegistry registry,
                       Runnable onIssued) {
        this.config = config;
        this.store = new AcmeStore(dataDirectory, config);
        this.client = new AcmeClient(config, store, challenges);
        this.onIssued = onIssued;
        String domain = config.domains().get(0);
        this.issued = Counter.builder("berth.tls.acme.attempts").description("ACME orders for a certificate, by result")
                .tag("certificate", domain).tag("result", "issued").register(registry);
        this.failed = Counter.builder("berth.tls.acme.attempts").description("ACME orders for a certificate, by result")
                .tag("certificate", domain).tag("result", "failed").register(registry);
    }

    public AcmeConfig config() {
        return config;
    }

    /** The stored chain (leaf first), when there is one that covers every domain; what listeners serve. */
    public Optional<Path> chainFile() {
        return current().map(c -> store.chainFile());
    }

    public Path keyFile() {
        return store.keyFile();
    }

    /**
     * Checks the stored certificate now and schedules what follows, on the ACME thread.
     *
     * @param plaintextHttp whether the server has a plaintext HTTP listener, which {@link AcmeConfig.Challenge#AUTO}
     *                      then uses for HTTP-01
     */
    public void start(boolean plaintextHttp) {
        http01 = switch (config.challenge()) {
            case AUTO -> plaintextHttp;
            case HTTP_01 -> true;
            case TLS_ALPN_01 -> false;
        };
        if (http01 && !plaintextHttp) {
            log.warn("ACME: http-01 is asked for, but no plaintext HTTP listener is bound: the ACME server's checks will fail");
        }
        Optional<List<X509Certificate>> chain = current();
        if (chain.isPresent()) {
            X509Certificate leaf = chain.get().get(0);
            log.info("ACME: serving the stored certificate for {} (valid until {}), renewal due from {}",
                    String.join(", ", config.domains()), leaf.getNotAfter().toInstant(), due(leaf));
        } else {
            log.info("ACME: no certificate for {} yet: ordering one from {}; until it is issued, TLS listeners serve"
                    + " the self-signed or configured default", String.join(", ", config.domains()), config.directory());
        }
        thread.execute(this::check);
    }

    private Optional<List<X509Certificate>> current() {
        return store.chain().filter(c -> covers(c.get(0), config.domains()));
    }

    private void check() {
        Optional<List<X509Certificate>> chain = current();
        if (chain.isPresent()) {
            Instant due = due(chain.get().get(0));
            if (Instant.now().isBefore(due)) {
                schedule(Duration.between(Instant.now(), due));
                return;
            }
            log.info("ACME: the certificate for {} is due for renewal (valid until {})", config.domains().get(0),
                    chain.get().get(0).getNotAfter().toInstant());
        }
        attempt();
    }

    private void attempt() {
        try {
            List<X509Certificate> chain = client.issue(http01);
            failures = 0;
            issued.increment();
            X509Certificate leaf = chain.get(0);
            log.info("ACME: issued a certificate for {} by {}, valid until {}; renewal due from {}",
                    String.join(", ", config.domains()), leaf.getIssuerX500Principal().getName(),
                    leaf.getNotAfter().toInstant(), due(leaf));
            onIssued.run();
            schedule(Duration.between(Instant.now(), due(leaf)));
        } catch (AcmeClient.AcmeFailure e) {
            failures++;
            failed.increment();
            Duration wait = backoff(failures);
            if (e.retryAfter().isPresent()) {
                Duration told = Duration.between(Instant.now(), e.retryAfter().get());
                wait = told.compareTo(wait) > 0 ? told : wait;
            }
            log.error("ACME: no certificate for {} from {} (attempt {} failed): {}; next attempt in {}",
                    String.join(", ", config.domains()), config.directory(), failures, e.getMessage(), wait);
            schedule(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failures++;
            failed.increment();
            Duration wait = backoff(failures);
            log.error("ACME: certificate for {}: unexpected failure: {}; next attempt in {}", config.domains().get(0), e, wait);
            schedule(wait);
        }
    }

    /** The wait after the n-th failure in a row: first doubled each time, at most max, and ±20% so that instances spread. */
    Duration backoff(int n) {
        long first = config.firstRetry().toMillis();
        long max = config.maxRetry().toMillis();
        long wait = first << Math.min(n - 1, 30);
        if (wait <= 0 || wait > max) {
            wait = max;
        }
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.max(1, (long) (wait * jitter)));
    }

    private void schedule(Duration wait) {
        if (!thread.isShutdown()) {
            thread.schedule(this::check, Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS);
        }
    }

    /** When the leaf is due for renewal: once only {@link AcmeConfig#renewWhenRemaining()} of its lifetime is left. */
    Instant due(X509Certificate leaf) {
        long from = leaf.getNotBefore().getTime();
        long to = leaf.getNotAfter().getTime();
        return Instant.ofEpochMilli(to - (long) ((to - from) * config.renewWhenRemaining()));
    }

    static boolean covers(X509Certificate leaf, List<String> domains) {
        Set<String> names = new HashSet<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) {
                        names.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return false;
        }
        return names.containsAll(domains);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
