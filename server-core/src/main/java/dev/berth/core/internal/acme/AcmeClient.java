package dev.berth.core.internal.acme;

import dev.berth.core.BerthException;
import dev.berth.core.internal.tls.MaterialLoader;
import dev.berth.core.tls.AcmeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.shredzone.acme4j.util.KeyPairUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ACME order, start to finish, on the calling thread: the account (made once, then found by its
 * key), an order for every domain, each authorization proved by HTTP-01 or TLS-ALPN-01, the CSR with a new key, and
 * the chain stored. Throws {@link AcmeFailure} carrying the ACME problem's type and detail.
 */
final class AcmeClient {
    private static final Logger log = LoggerFactory.getLogger(AcmeClient.class);
    /** How long one challenge, or the order's finalization, may take before the attempt fails. */
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);

    private final AcmeConfig config;
    private final AcmeStore store;
    private final AcmeChallenges challenges;
    private final Optional<SSLContext> trust;

    AcmeClient(AcmeConfig config, AcmeStore store, AcmeChallenges challenges) {
        // acme4j makes keys and CSRs through the "BC" provider by name; added last, so the JDK's own
        // providers stay the default for everything else in the process.
        if (java.security.Security.getProvider("BC") == null) {
            java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
        this.config = config;
        this.store = store;
        this.challenges = challenges;
        this.trust = config.directoryCa().map(AcmeClient::trusting);
    }

    /** Why an attempt failed: the ACME problem document's type and detail, or the local cause. */
    static final class AcmeFailure extends Exception {
        private final Optional<java.time.Instant> retryAfter;

        AcmeFailure(String message, Throwable cause) {
            super(message, cause);
            this.retryAfter = cause instanceof AcmeRateLimitedException r ? r.getRetryAfter() : Optional.empty();
        }

        /** When a rate-limited ACME server said to come back. */
        Optional<java.time.Instant> retryAfter() {
            return retryAfter;
        }
    }

    /**
     * Orders, proves and stores a certificate; returns its chain.
     *
     * @param http01 prove names by HTTP-01 (the plaintext HTTP listener), else by TLS-ALPN-01
     */
    List<X509Certificate> issue(boolean http01) throws AcmeFailure, InterruptedException {
        try {
            Session session = new Session(config.directory(), new Provider(trust));
            KeyPair accountKey = store.accountKey();
            AccountBuilder ab = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey);
            config.email().ifPresent(ab::addEmail);
            Account account = ab.create(session);
            Order order = account.newOrder().domains(config.domains()).create();
            for (Authorization auth : order.getAuthorizations()) {
                if (auth.getStatus() == Status.VALID) {
                    log.debug("ACME: {} is already authorized", auth.getIdentifier().getDomain());
                } else if (http01) {
                    authorizeByHttp(auth);
                } else {
                    authorizeByTlsAlpn(auth);
                }
            }
            order.waitUntilReady(STEP_TIMEOUT);
            KeyPair domainKey = KeyPairUtils.createECKeyPair("secp256r1");
            order.execute(domainKey);
            Status done = order.waitForCompletion(STEP_TIMEOUT);
            if (done != Status.VALID) {
                throw new AcmeFailure("the order ended " + done + describe(order.getError()), null);
            }
            List<X509Certificate> chain = order.getCertificate().getCertificateChain();
            store.save(chain, domainKey);
            return chain;
        } catch (AcmeServerException e) {
            throw new AcmeFailure(describe(e.getProblem()), e);
        } catch (AcmeException e) {
            throw new AcmeFailure(e.getMessage(), e);
        } catch (BerthException e) {
            throw new AcmeFailure(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new AcmeFailure("unexpected: " + e, e);
        }
    }

    private void authorizeByHttp(Authorization auth) throws AcmeException, AcmeFailure, InterruptedException {
        String domain = auth.getIdentifier().getDomain();
        Http01Challenge challenge = auth.findChallenge(Http01Challenge.class).orElseThrow(() -> new AcmeFailure(
                domain + ": the ACME server offers no http-01 challenge (try --acme-challenge tls-alpn-01)", null));
        challenges.publish(challenge.getToken(), challenge.getAuthorization());
        try {
            prove(auth, challenge, domain);
        } finally {
            challenges.withdraw(challenge.getToken());
        }
    }

    private void authorizeByTlsAlpn(Authorization auth) throws AcmeException, AcmeFailure, InterruptedException {
        String domain = auth.getIdentifier().getDomain();
        TlsAlpn01Challenge challenge = auth.findChallenge(TlsAlpn01Challenge.class).orElseThrow(() -> new AcmeFailure(
                domain + ": the ACME server offers no tls-alpn-01 challenge (try --acme-challenge http-01)", null));
        // RSA: acme4j signs the validation certificate with SHA256withRSA whatever the key.
        KeyPair key = KeyPairUtils.createKeyPair(2048);
        SslContext validation;
        try {
            X509Certificate cert = challenge.createCertificate(key, auth.getIdentifier());
            validation = SslContextBuilder.forServer(key.getPrivate(), cert).protocols("TLSv1.3", "TLSv1.2")
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            TlsAlpn01Challenge.ACME_TLS_1_PROTOCOL))
                    .build();
        } catch (javax.net.ssl.SSLException | RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new AcmeFailure(domain + ": cannot make the tls-alpn-01 validation certificate: " + e.getMessage()
                    + (root == e ? "" : " (" + root.getMessage() + ")"), e);
        }
        challenges.publish(domain, validation);
        try {
            prove(auth, challenge, domain);
        } finally {
            challenges.withdrawTlsAlpn(domain);
        }
    }

    private void prove(Authorization auth, Challenge challenge, String domain)
            throws AcmeException, AcmeFailure, InterruptedException {
        challenge.trigger();
        Status s = auth.waitForCompletion(STEP_TIMEOUT);
        if (s != Status.VALID) {
            throw new AcmeFailure(domain + ": " + challenge.getType() + " challenge " + s + describe(challenge.getError()), null);
        }
        log.info("ACME: {} proved by {}", domain, challenge.getType());
    }

    private static String describe(Optional<Problem> p) {
        return p.map(x -> ": " + describe(x)).orElse("");
    }

    /** {@code urn:ietf:params:acme:error:rateLimited: too many certificates ...}: the type, then the detail. */
    static String describe(Problem p) {
        StringBuilder sb = new StringBuilder(String.valueOf(p.getType()));
        p.getDetail().or(p::getTitle).ifPresent(d -> sb.append(": ").append(d));
        for (Problem sub : p.getSubProblems()) {
            sb.append("; ").append(sub.getIdentifier().map(i -> i.getValue() + ": ").orElse("")).append(describe(sub));
        }
        return sb.toString();
    }

    private static SSLContext trusting(Path bundle) {
        try {
            X509Certificate[] cas = MaterialLoader.caBundle(bundle, "ACME directory CA bundle");
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            for (int i = 0; i < cas.length; i++) {
                ks.setCertificateEntry("ca" + i, cas[i]);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new BerthException("ACME directory CA " + bundle + ": cannot be used: " + e.getMessage());
        }
    }

    /** Any RFC 8555 server, reached with the JDK's trust store or the configured CA bundle. */
    private static final class Provider extends GenericAcmeProvider {
        private final Optional<SSLContext> trust;

        Provider(Optional<SSLContext> trust) {
            this.trust = trust;
        }

        @Override
        public HttpClient createHttpClient(NetworkSettings settings) {
            HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(settings.getTimeout()).proxy(settings.getProxySelector());
            if (settings.getAuthenticator() != null) {
                b.authenticator(settings.getAuthenticator());
            }
            trust.ifPresent(b::sslContext);
            return b.build();
        }

        @Override
        public boolean accepts(URI serverUri) {
            return "https".equals(serverUri.getScheme());
        }
    }
}
