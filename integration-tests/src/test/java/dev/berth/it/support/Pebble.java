package dev.berth.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Let's Encrypt's ACME test server (Debian's {@code pebble}) on loopback, with {@code pebble-challtestsrv}
 * as its DNS answering 127.0.0.1 for every name, so that any test domain validates against the Berth
 * listeners on this machine. Pebble's own HTTPS uses a certificate from a {@link TestPki}; its issuing
 * root is fetched from its management interface ({@link #issuingRoot}).
 */
public final class Pebble implements AutoCloseable {
    private final Process pebble;
    private final Process dns;
    private final Path dir;
    private final int port;
    private final int managementPort;
    private final TestPki pki;

    private Pebble(Process pebble, Process dns, Path dir, int port, int managementPort, TestPki pki) {
        this.pebble = pebble;
        this.dns = dns;
        this.dir = dir;
        this.port = port;
        this.managementPort = managementPort;
        this.pki = pki;
    }

    /**
     * Starts pebble validating HTTP-01 on {@code httpPort} and TLS-ALPN-01 on {@code tlsPort} of 127.0.0.1,
     * issuing certificates valid for {@code validity}; no random nonce rejections or VA sleeps.
     */
    public static Pebble start(Path dir, TestPki pki, int httpPort, int tlsPort, Duration validity) {
        return start(dir, pki, httpPort, tlsPort, validity, Ports.freeLoopbackPort());
    }

    /** As {@link #start(Path, TestPki, int, int, Duration)}, on a given port (a restart keeps its directory URL). */
    public static Pebble start(Path dir, TestPki pki, int httpPort, int tlsPort, Duration validity, int port) {
        return start(dir, pki, httpPort, tlsPort, validity, port, 0);
    }

    /**
     * As {@link #start(Path, TestPki, int, int, Duration, int)}, rejecting {@code nonceRejectPercent} of
     * good nonces (pebble's {@code PEBBLE_WFE_NONCEREJECT}), as a real CA's load balancers sometimes do.
     */
    public static Pebble start(Path dir, TestPki pki, int httpPort, int tlsPort, Duration validity, int port,
                               int nonceRejectPercent) {
        Program pebbleBin = Program.require("pebble", "pebble");
        Program dnsBin = Program.require("pebble-challtestsrv", "pebble");
        int dnsPort = Ports.freeLoopbackPort();
        int managementPort = Ports.freeLoopbackPort();
        try {
            Files.createDirectories(dir);
            Path config = Files.writeString(dir.resolve("pebble.json"), "{\"pebble\": {"
                    + "\"listenAddress\": \"127.0.0.1:" + port + "\", "
                    + "\"managementListenAddress\": \"127.0.0.1:" + managementPort + "\", "
                    + "\"certificate\": \"" + pki.chain() + "\", \"privateKey\": \"" + pki.key() + "\", "
                    + "\"httpPort\": " + httpPort + ", \"tlsPort\": " + tlsPort + ", "
                    + "\"ocspResponderURL\": \"\", \"externalAccountBindingRequired\": false, "
                    + "\"certificateValidityPeriod\": " + validity.toSeconds() + "}}");
            Process dns = new ProcessBuilder(dnsBin.path().toString(), "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "",
                    "-dns01", "127.0.0.1:" + dnsPort, "-http01", "", "-https01", "", "-tlsalpn01", "",
                    "-management", "127.0.0.1:" + Ports.freeLoopbackPort())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("challtestsrv.log").toFile()).start();
            ProcessBuilder pb = new ProcessBuilder(pebbleBin.path().toString(), "-config", config.toString(),
                    "-dnsserver", "127.0.0.1:" + dnsPort)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("pebble.log").toFile()));
            pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
            pb.environment().put("PEBBLE_WFE_NONCEREJECT", String.valueOf(nonceRejectPercent));
            pb.environment().put("PEBBLE_AUTHZREUSE", "0");
            Process p = pb.start();
            Pebble pebble = new Pebble(p, dns, dir, port, managementPort, pki);
            pebble.awaitUp();
            return pebble;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ACME directory URL. */
    public String directory() {
        return "https://127.0.0.1:" + port + "/dir";
    }

    public int port() {
        return port;
    }

    /** The CA bundle that Berth trusts for pebble's own HTTPS ({@code --acme-directory-ca}). */
    public Path directoryCa() {
        return pki.rootCa();
    }

    /** Writes the root that signs pebble's issued chains (new at each pebble start) to {@code file}. */
    public Path issuingRoot(Path file) {
        try {
            HttpResponse<String> r = client().send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + managementPort + "/roots/0")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                fail("pebble's management interface answered " + r.statusCode() + " for its root");
            }
            return Files.writeString(file, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("pebble.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void awaitUp() {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline) && pebble.isAlive()) {
            try {
                HttpResponse<String> r = client().send(HttpRequest.newBuilder(URI.create(directory())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        fail("pebble did not come up:\n" + log());
    }

    private HttpClient client() {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            try (var in = Files.newInputStream(pki.rootCa())) {
                ks.setCertificateEntry("root", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops pebble and its DNS (SIGKILL: a test server keeps nothing). */
    @Override
    public void close() {
        for (Process p : new Process[] {pebble, dns}) {
            p.destroyForcibly();
            try {
                p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
