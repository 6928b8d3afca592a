package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.tls.AcmeConfig;
import dev.berth.core.tls.Secret;
import dev.berth.core.tls.SniEntry;
import dev.berth.core.tls.TestPki;
import dev.berth.core.tls.TlsClientAuth;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsMode;
import dev.berth.core.tls.TlsReload;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/3 serves the HTTPS listener's certificates by the same model as TCP: SNI entries with wildcards, the ECDSA
 * chain beside an RSA one, an encrypted key, reload by SIGHUP and by the file watch, and an ACME certificate.
 */
class Http3TlsTest {
    @TempDir
    Path dir;
    private Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    private Server start(TlsConfig tls) {
        HttpModule module = HttpModule.builder().get("/", r -> HttpResponse.text("hello over " + r.protocol())).build();
        server = Server.builder().dataDirectory(dir.resolve("data")).module(module)
                .listener(ListenerConfig.tcp("https").protocol(HttpModule.NAME).tlsMode(TlsMode.IMPLICIT).tls(tls)
                        .host("127.0.0.1").port(0).build())
                .listener(ListenerConfig.udp("h3").protocol(HttpModule.NAME).host("127.0.0.1").port(0).build())
                .build().start();
        return server;
    }

    private int h3Port() {
        return server.localAddress("h3").getPort();
    }

    /** The common name of the leaf a new QUIC connection is served for {@code serverName} (null: no SNI). */
    private String servedCn(String serverName) throws Exception {
        return cn(Http3Client.servedCertificate(h3Port(), serverName));
    }

    private static String cn(X509Certificate leaf) {
        String dn = leaf.getSubjectX500Principal().getName();
        int at = dn.indexOf("CN=");
        return dn.substring(at + 3, dn.indexOf(',', at) < 0 ? dn.length() : dn.indexOf(',', at));
    }

    private static TrustManagerFactory trustingTestRoot() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (var in = Files.newInputStream(TestPki.file("root.crt"))) {
            store.setCertificateEntry("root", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return tmf;
    }

    private static void replace(Path from, Path to) throws Exception {
        Path tmp = to.resolveSibling(to.getFileName() + ".new");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > end) {
                fail(what + " within 30 s");
            }
            Thread.sleep(200);
        }
    }

    @Test
    void sniPicksTheExactEntryTheWildcardEntryOrTheDefaultChain() throws Exception {
        start(TlsConfig.builder().certificateChain(TestPki.file("rsa-chain.pem")).privateKey(TestPki.file("rsa.key"))
                .sniEntries(List.of(
                        SniEntry.of("a.example.com", TestPki.file("sni-a-chain.pem"), TestPki.file("sni-a.key")),
                        SniEntry.of("*.b.example.com", TestPki.file("sni-wild-chain.pem"), TestPki.file("sni-wild.key"))))
                .build());
        assertEquals("a.example.com", servedCn("a.example.com"));
        assertEquals("a.example.com", servedCn("A.Example.COM"), "names compare without case");
        assertEquals("wild.b.example.com", servedCn("x.b.example.com"));
        assertEquals("rsa", servedCn("x.y.b.example.com"), "a wildcard covers one label only");
        assertEquals("rsa", servedCn("other.example.org"));
        assertEquals("rsa", servedCn(null), "no SNI: the default chain");
    }

    @Test
    void aListenerThatRequiresClientCertificatesRequiresThemOverQuicToo() throws Exception {
        start(TlsConfig.builder().certificateChain(TestPki.file("rsa-chain.pem")).privateKey(TestPki.file("rsa.key"))
                .clientAuth(TlsClientAuth.REQUIRED).clientCaBundle(TestPki.file("client-ca.crt")).build());
        QuicSslContext withCertificate = QuicSslContextBuilder.forClient().trustManager(trustingTestRoot())
                .keyManager(TestPki.file("alice.key").toFile(), null, TestPki.file("alice.crt").toFile())
                .applicationProtocols(Http3.supportedApplicationProtocols()).build();
        try (Http3Client alice = new Http3Client(h3Port(), withCertificate)) {
            assertEquals("hello over HTTP/3", alice.get("/").text());
        }
        // Without a certificate the handshake fails, or the first request does (TLS 1.3 checks the client's
        // certificate after the client considers the handshake done): either way nothing is served.
        Throwable refused = null;
        try (Http3Client anonymous = new Http3Client(h3Port(), trustingTestRoot())) {
            Http3Client.Answer a = anonymous.get("/");
            fail("a client without a certificate was served over HTTP/3: " + a.status() + " " + a.text());
        } catch (Exception e) {
            refused = e;
        }
        assertTrue(refused != null, "no certificate, no answer");
    }

    @Test
    void withAnRsaAndAnEcdsaChainQuicServesTheEcdsaOne() throws Exception {
        start(TlsConfig.builder().certificateChain(TestPki.file("rsa-chain.pem")).privateKey(TestPki.file("rsa.key"))
                .secondCertificateChain(TestPki.file("ec-chain.pem")).secondPrivateKey(TestPki.file("ec-pkcs8.key"))
                .build());
        assertEquals("ec", servedCn("localhost"),
                "QUIC cannot see the client's signature algorithms; every TLS 1.3 client verifies ECDSA P-256");
    }

    @Test
    void anEncryptedKeyServesHttp3WithTheChainTrustedByItsRoot() throws Exception {
        start(TlsConfig.builder().certificateChain(TestPki.file("rsa-chain.pem"))
                .privateKey(TestPki.file("rsa-pkcs8-enc.key")).keyPassphrase(Secret.of(TestPki.PASSPHRASE)).build());
        try (Http3Client c = new Http3Client(h3Port(), trustingTestRoot())) {
            Http3Client.Answer a = c.get("/");
            assertEquals(200, a.status());
            assertEquals("hello over HTTP/3", a.text());
            assertEquals("rsa", cn(c.peerCertificate()));
        }
    }

    @Test
    void afterAReloadNewQuicConnectionsGetTheNewCertificateAndOpenOnesKeepWorking() throws Exception {
        Path chain = dir.resolve("live-chain.pem");
        Path key = dir.resolve("live.key");
        replace(TestPki.file("rsa.key"), key);
        replace(TestPki.file("rsa-chain.pem"), chain);
        start(TlsConfig.builder().certificateChain(chain).privateKey(key).reloadInterval(Duration.ZERO).build());
        try (Http3Client open = new Http3Client(h3Port(), trustingTestRoot())) {
            assertEquals("rsa", cn(open.peerCertificate()));
            replace(TestPki.file("ec-pkcs8.key"), key);
            replace(TestPki.file("ec-chain.pem"), chain);
            assertEquals("rsa", servedCn("localhost"), "no file watch here: nothing changes until the reload");
            List<TlsReload> reloads = server.reloadTls(); // what SIGHUP does
            assertTrue(reloads.size() == 1 && reloads.get(0).reloaded(), reloads.toString());
            assertEquals("ec", servedCn("localhost"), "a new QUIC connection gets the reloaded certificate");
            assertEquals(200, open.get("/").status(), "the connection opened before the reload goes on");
        }
    }

    @Test
    void theFileWatchReloadReachesNewQuicConnections() throws Exception {
        Path chain = dir.resolve("live-chain.pem");
        Path key = dir.resolve("live.key");
        replace(TestPki.file("rsa.key"), key);
        replace(TestPki.file("rsa-chain.pem"), chain);
        start(TlsConfig.builder().certificateChain(chain).privateKey(key).reloadInterval(Duration.ofMillis(200)).build());
        assertEquals("rsa", servedCn("localhost"));
        replace(TestPki.file("ec-pkcs8.key"), key);
        replace(TestPki.file("ec-chain.pem"), chain);
        await("a new QUIC connection is served the changed files", () -> servedCn("localhost").equals("ec"));
    }

    @Test
    void anAcmeOnlyHttpsListenerStartsHttp3AndTheIssuedCertificateReachesNewQuicConnections() throws Exception {
        // an ACME server nobody answers at: the order fails in the background, and the certificate is "issued" by
        // putting it where the ACME client stores what it gets
        AcmeConfig acme = AcmeConfig.builder().directory(URI.create("https://127.0.0.1:1/dir"))
                .domains(List.of("a.example.com")).agreeToTerms(true)
                .retry(Duration.ofHours(1), Duration.ofHours(2)).build();
        start(TlsConfig.builder().acme(acme).build());
        assertEquals("localhost", servedCn("a.example.com"), "until one is issued, the self-signed default");
        Path store = dir.resolve("data/acme/127.0.0.1_1/a.example.com");
        Files.createDirectories(store);
        replace(TestPki.file("sni-a.key"), store.resolve("key.pem"));
        replace(TestPki.file("sni-a-chain.pem"), store.resolve("chain.pem"));
        List<TlsReload> reloads = server.reloadTls(); // the reload an issued certificate triggers
        assertTrue(reloads.size() == 1 && reloads.get(0).reloaded(), reloads.toString());
        assertEquals("a.example.com", servedCn("a.example.com"));
        assertEquals("a.example.com", servedCn(null), "the ACME certificate is the default when no file is configured");
    }
}
