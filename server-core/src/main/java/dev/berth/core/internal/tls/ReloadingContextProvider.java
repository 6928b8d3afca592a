package dev.berth.core.internal.tls;

import dev.berth.core.BerthException;
import dev.berth.core.internal.acme.AcmeManager;
import dev.berth.core.tls.ClientHello;
import dev.berth.core.tls.SniEntry;
import dev.berth.core.tls.TlsClientAuth;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsContextProvider;
import dev.berth.core.tls.TlsGeneration;
import dev.berth.core.tls.TlsLibrary;
import dev.berth.core.tls.TlsMaterial;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contexts of one TLS setup, loaded from its files and swapped whole when they are loaded again:
 * new connections get the new generation, open ones keep the context they started with, and material
 * that fails to load (a broken file, a key that does not match its chain) leaves the old generation in
 * place. It decides nothing about when to reload: {@link TlsFileWatch} and {@link TlsService} do.
 */
final class ReloadingContextProvider implements TlsContextProvider {
    private static final Logger log = LoggerFactory.getLogger(ReloadingContextProvider.class);
    /** The SNI bucket of the default certificate: what a client without SNI, or with an unknown name, gets. */
    static final String DEFAULT_BUCKET = "default";

    private final TlsConfig config;
    private final Path dataDirectory;
    private final List<String> alpn;
    /** The ACME certificate's keeper, when the setup has one: its stored files are loaded like PEM files. */
    private final Optional<AcmeManager> acme;
    private final SslProvider provider;
    private final AtomicReference<ContextSet> current = new AtomicReference<>();
    /** The files' digests read just before the generation in use was loaded. */
    private volatile Map<Path, byte[]> loadedDigests;

    /** Loads and checks all material now: bad material fails with a {@link BerthException} naming the file. */
    ReloadingContextProvider(TlsConfig config, Path dataDirectory, List<String> alpn) {
        this(config, dataDirectory, alpn, Optional.empty());
    }

    /** As above, also serving {@code acme}'s certificate once it has one (the default or an SNI entry per domain). */
    ReloadingContextProvider(TlsConfig config, Path dataDirectory, List<String> alpn, Optional<AcmeManager> acme) {
        this.acme = acme;
        this.config = config;
        this.dataDirectory = dataDirectory;
        this.alpn = List.copyOf(alpn);
        this.provider = ContextFactory.provider(config);
        Map<Path, byte[]> before = digestFiles();
        current.set(load(true));
        loadedDigests = before;
    }

    @Override
    public SslContext contextFor(String hostName) {
        return current.get().contextFor(hostName, ClientHello.UNKNOWN);
    }

    @Override
    public SslContext contextFor(String hostName, ClientHello hello) {
        return current.get().contextFor(hostName, hello);
    }

    TlsConfig config() {
        return config;
    }

    /** The keys and chains of the generation in use: a new object after each successful reload. */
    TlsGeneration material() {
        return current.get().material;
    }

    /** The leaf certificate of the generation in use, by SNI bucket ({@link #DEFAULT_BUCKET} and each SNI name). */
    Map<String, X509Certificate> servedCertificates() {
        return current.get().leaves;
    }

    /** True when certificate or key files are configured (the self-signed default is not reloaded). */
    boolean hasFiles() {
        return !watchedFiles().isEmpty() || acme.isPresent();
    }

    /** The main chain file, which names this setup in logs. */
    String describe() {
        return config.certificateChain().map(Path::toString).orElseGet(() -> acme
                .map(a -> "the ACME certificate for " + String.join(", ", a.config().domains()))
                .orElse("the self-signed certificate"));
    }

    /**
     * Loads and checks every file again and swaps the new contexts in; on failure keeps the old ones
     * and returns why. Logs nothing: whoever asked decides whether a failure is worth an error yet.
     */
    synchronized Optional<BerthException> reload() {
        Map<Path, byte[]> before = digestFiles();
        try {
            current.set(load(false));
            loadedDigests = before;
            return Optional.empty();
        } catch (BerthException e) {
            return Optional.of(e);
        } catch (RuntimeException e) {
            // A library's surprise must not end the file watch, nor reach the SIGHUP handler as a stack trace.
            return Optional.of(new BerthException("TLS files of " + describe() + ": cannot be loaded: " + e, e));
        }
    }

    /** True when the files hold what the contexts in use were loaded from. */
    boolean isLoaded(Map<Path, byte[]> digests) {
        return sameDigests(digests, loadedDigests);
    }

    private ContextSet load(boolean first) {
        Instant now = Instant.now();
        EnabledSuites suites = EnabledSuites.resolve(config, provider);
        X509Certificate[] cas = clientCas();
        List<CertifiedKey> main = new ArrayList<>();
        Optional<CertifiedKey> issued = acmeMaterial(first, now);
        if (config.certificateChain().isEmpty() && issued.isPresent()) {
            main.add(issued.get());
        } else if (config.certificateChain().isPresent()) {
            Path chain = config.certificateChain().get();
            main.add(MaterialLoader.load(chain, config.privateKey().orElse(chain), config.keyPassphrase().orElse(null),
                    config.allowExpired(), now));
        } else {
            main.add(SelfSignedDefault.loadOrCreate(dataDirectory));
        }
        if (config.secondCertificateChain().isPresent()) {
            Path chain = config.secondCertificateChain().get();
            CertifiedKey second = MaterialLoader.load(chain, config.secondPrivateKey().orElse(chain),
                    config.keyPassphrase().orElse(null), config.allowExpired(), now);
            if (!new HashSet<>(List.of(second.key.getAlgorithm(), main.get(0).key.getAlgorithm()))
                    .equals(Set.of("RSA", "EC"))) {
                throw new BerthException("TLS certificate chain " + chain + ": has a " + second.key.getAlgorithm()
                        + " key beside a " + main.get(0).key.getAlgorithm() + " first chain; two chains must be "
                        + "one RSA and one ECDSA");
            }
            main.add(second);
        }
        // With two chains the RSA one is the default, since every client can verify RSA; the ECDSA one goes to
        // clients whose ClientHello says they accept it.
        boolean ecdsaFirst = main.size() == 2 && !main.get(0).key.getAlgorithm().equals("RSA");
        CertifiedKey rsaOrOnly = ecdsaFirst ? main.get(1) : main.get(0);
        SslContext defaultContext = ContextFactory.build(rsaOrOnly, config, suites, provider, cas, alpn);
        SslContext ecdsaContext = null;
        if (main.size() == 2) {
            CertifiedKey ecdsa = ecdsaFirst ? main.get(0) : main.get(1);
            ecdsaContext = ContextFactory.build(ecdsa, config, suites, provider, cas, alpn);
        }
        Map<String, SslContext> sni = new LinkedHashMap<>();
        Map<String, TlsMaterial> sniMaterial = new LinkedHashMap<>();
        Map<String, X509Certificate> leaves = new LinkedHashMap<>();
        // With two default chains, the one that expires first is the one an operator must watch.
        leaves.put(DEFAULT_BUCKET, main.stream().map(CertifiedKey::leaf)
                .min(java.util.Comparator.comparing(X509Certificate::getNotAfter)).orElseThrow());
        for (SniEntry e : config.sniEntries()) {
            CertifiedKey k = MaterialLoader.load(e.certificateChain(), e.privateKey().orElse(e.certificateChain()),
                    config.keyPassphrase().orElse(null), config.allowExpired(), now);
            sni.put(e.hostName(), ContextFactory.build(k, config, suites, provider, cas, alpn));
            sniMaterial.put(e.hostName(), k.material());
            leaves.put(e.hostName(), k.leaf());
        }
        if (config.certificateChain().isPresent() && issued.isPresent()) {
            // Beside a configured default chain, the ACME certificate answers its own names; an explicit SNI entry wins.
            SslContext acmeContext = ContextFactory.build(issued.get(), config, suites, provider, cas, alpn);
            TlsMaterial acmeMaterial = issued.get().material();
            for (String domain : acme.orElseThrow().config().domains()) {
                if (!sni.containsKey(domain)) {
                    sni.put(domain, acmeContext);
                    sniMaterial.put(domain, acmeMaterial);
                    leaves.put(domain, issued.get().leaf());
                }
            }
        }
        if (first && acme.isPresent() && issued.isEmpty()) {
            log.warn("TLS: no ACME certificate for {} yet: serving {} until one is issued",
                    String.join(", ", acme.get().config().domains()),
                    config.certificateChain().map(Path::toString).orElse("the self-signed certificate"));
        }
        if (first) {
            log.info("TLS library {} ({}); policy {}; {}", EnabledSuites.libraryName(provider),
                    config.library() == TlsLibrary.AUTO ? "chosen automatically"
                            : "forced by TlsConfig.library (--tls-provider)",
                    config.protocols().isEmpty() && config.ciphers().isEmpty() ? config.policy().flagValue()
                            : config.policy().flagValue() + " overridden by explicit lists",
                    ContextFactory.effective(defaultContext));
            if (!sni.isEmpty()) {
                log.info("TLS SNI host names: {}; other names get {}", String.join(", ", sni.keySet()),
                        config.certificateChain().map(Path::toString).orElse("the self-signed certificate"));
            }
        }
        TlsGeneration material = new TlsGeneration(rsaOrOnly.material(),
                main.size() == 2 ? Optional.of((ecdsaFirst ? main.get(0) : main.get(1)).material()) : Optional.empty(),
                sniMaterial, config.clientAuth(), cas == null ? List.of() : List.of(cas));
        return new ContextSet(defaultContext, ecdsaContext, sni, leaves, material);
    }

    /**
     * The stored ACME certificate, if any. At start a stored one that cannot be loaded is logged and left
     * out (a new one gets ordered); on a reload it fails the reload, so the generation in use stays.
     */
    private Optional<CertifiedKey> acmeMaterial(boolean first, Instant now) {
        if (acme.isEmpty()) {
            return Optional.empty();
        }
        Optional<Path> chain = acme.get().chainFile();
        if (chain.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(MaterialLoader.load(chain.get(), acme.get().keyFile(), null, false, now));
        } catch (BerthException e) {
            if (!first) {
                throw e;
            }
            log.warn("TLS: the stored ACME certificate cannot be served: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private X509Certificate[] clientCas() {
        if (config.clientAuth() == TlsClientAuth.NONE) {
            return null;
        }
        return MaterialLoader.caBundle(config.clientCaBundle().orElseThrow()); // TlsConfig.build checked it is set
    }

    Set<Path> watchedFiles() {
        Set<Path> files = new LinkedHashSet<>();
        config.certificateChain().ifPresent(files::add);
        config.privateKey().ifPresent(files::add);
        config.secondCertificateChain().ifPresent(files::add);
        config.secondPrivateKey().ifPresent(files::add);
        config.clientCaBundle().ifPresent(files::add);
        for (SniEntry e : config.sniEntries()) {
            files.add(e.certificateChain());
            e.privateKey().ifPresent(files::add);
        }
        return files;
    }

    /** Content digests, not modification times: an editor's save within the same second still counts. */
    Map<Path, byte[]> digestFiles() {
        Map<Path, byte[]> out = new LinkedHashMap<>();
        for (Path f : watchedFiles()) {
            try {
                out.put(f, MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
            } catch (IOException e) {
                out.put(f, new byte[0]); // missing for now (mid-rename, say): a change like any other
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    static boolean sameDigests(Map<Path, byte[]> a, Map<Path, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<Path, byte[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
