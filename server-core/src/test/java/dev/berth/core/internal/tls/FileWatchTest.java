package dev.berth.core.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.berth.core.Server;
import dev.berth.core.tls.LineModule;
import dev.berth.core.tls.LogCapture;
import dev.berth.core.tls.TestPki;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsMode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changed files reach new handshakes as soon as the file system says so, however they are replaced,
 * and a key and chain replaced one after the other never make a handshake fail. The reload interval
 * here is an hour, so only change events can explain a reload within seconds.
 */
class FileWatchTest {
    private static final String RSA = "CN=rsa,O=Berth test";
    private static final String EC = "CN=ec,O=Berth test";
    private static final Duration NO_POLLING = Duration.ofHours(1);
    /** Far below the interval, far above what a reload costs even on a busy machine. */
    private static final Duration SOON = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private static SSLSocketFactory clients;

    private static synchronized SSLSocketFactory clients() throws Exception {
        if (clients == null) {
            clients = TestPki.trustingRoot().getSocketFactory();
        }
        return clients;
    }

    private static String servedCn(InetSocketAddress address) throws Exception {
        try (SSLSocket s = (SSLSocket) clients().createSocket("127.0.0.1", address.getPort())) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    /** Handshakes until the served certificate is {@code cn}; returns how long that took from now. */
    private static Duration awaitServed(InetSocketAddress address, String cn, Duration within) throws Exception {
        long start = System.nanoTime();
        long end = start + within.toNanos();
        String last = null;
        while (System.nanoTime() < end) {
            last = servedCn(address);
            if (last.equals(cn)) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("within " + within + " new handshakes should get " + cn + ", still " + last);
    }

    private static void renameIntoPlace(String pkiFile, Path to) throws Exception {
        Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.copy(TestPki.file(pkiFile), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private TlsConfig watching(Path chain, Path key) {
        return TlsConfig.builder().reloadInterval(NO_POLLING).certificateChain(chain).privateKey(key).build();
    }

    @Test
    void aCertificateRenamedIntoPlaceReachesNewHandshakesWithoutWaitingForTheInterval() throws Exception {
        Path chain = dir.resolve("chain.pem");
        Path key = dir.resolve("key.pem");
        renameIntoPlace("rsa.key", key);
        renameIntoPlace("rsa-chain.pem", chain);
        try (Server server = new LineModule().start(TlsMode.IMPLICIT, watching(chain, key), dir)) {
            InetSocketAddress address = server.localAddress("line");
            assertEquals(RSA, servedCn(address));
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                boolean toEc = i % 2 == 0;
                renameIntoPlace(toEc ? "ec-pkcs8.key" : "rsa.key", key);
                renameIntoPlace(toEc ? "ec-chain.pem" : "rsa-chain.pem", chain);
                millis.add(awaitServed(address, toEc ? EC : RSA, SOON).toMillis());
            }
            System.out.println("TLS reload, last rename to first handshake with the new certificate (ms): " + millis);
        }
    }

    @Test
    void aKubernetesStyleSymlinkSwapIsNoticed() throws Exception {
        // A mounted Secret: tls.crt -> ..data/tls.crt, ..data -> ..2024_01; an update writes a new
        // timestamped directory and renames a new ..data link over the old one.
        Path first = Files.createDirectory(dir.resolve("..2024_01"));
        Files.copy(TestPki.file("rsa-chain.pem"), first.resolve("tls.crt"));
        Files.copy(TestPki.file("rsa.key"), first.resolve("tls.key"));
        Files.createSymbolicLink(dir.resolve("..data"), Path.of("..2024_01"));
        Files.createSymbolicLink(dir.resolve("tls.crt"), Path.of("..data/tls.crt"));
        Files.createSymbolicLink(dir.resolve("tls.key"), Path.of("..data/tls.key"));
        try (Server server = new LineModule().start(TlsMode.IMPLICIT,
                watching(dir.resolve("tls.crt"), dir.resolve("tls.key")), dir)) {
            InetSocketAddress address = server.localAddress("line");
            assertEquals(RSA, servedCn(address));
            Path second = Files.createDirectory(dir.resolve("..2024_02"));
            Files.copy(TestPki.file("ec-chain.pem"), second.resolve("tls.crt"));
            Files.copy(TestPki.file("ec-sec1.key"), second.resolve("tls.key"));
            Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..2024_02"));
            Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
            Files.delete(first.resolve("tls.crt"));
            Files.delete(first.resolve("tls.key"));
            Files.delete(first);
            awaitServed(address, EC, SOON);
        }
    }

    @Test
    void aFileRewrittenInPlaceThroughASymlinkIsNoticedInTheTargetsDirectory() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path realChain = elsewhere.resolve("chain-and-key.pem");
        Files.writeString(realChain, Files.readString(TestPki.file("rsa-chain.pem"))
                + Files.readString(TestPki.file("rsa.key")));
        Path configured = Files.createDirectory(dir.resolve("conf")).resolve("chain.pem");
        Files.createSymbolicLink(configured, realChain);
        TlsConfig config = TlsConfig.builder().reloadInterval(NO_POLLING).certificateChain(configured).build();
        try (Server server = new LineModule().start(TlsMode.IMPLICIT, config, dir)) {
            InetSocketAddress address = server.localAddress("line");
            assertEquals(RSA, servedCn(address));
            Files.writeString(realChain, Files.readString(TestPki.file("ec-chain.pem"))
                    + Files.readString(TestPki.file("ec-pkcs8.key")));
            awaitServed(address, EC, SOON);
        }
    }

    @Test
    void aKeyAndChainReplacedOneAfterTheOtherNeverFailAHandshakeNorLogAnError() throws Exception {
        Path chain = dir.resolve("chain.pem");
        Path key = dir.resolve("key.pem");
        renameIntoPlace("rsa.key", key);
        renameIntoPlace("rsa-chain.pem", chain);
        try (Server server = new LineModule().start(TlsMode.IMPLICIT, watching(chain, key), dir);
             LogCapture log = new LogCapture(TlsFileWatch.class)) {
            InetSocketAddress address = server.localAddress("line");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger handshakes = new AtomicInteger();
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            Thread loop = new Thread(() -> {
                long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!stop.get() && System.nanoTime() < end && handshakes.get() < 5_000) {
                    try {
                        servedCn(address);
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                    handshakes.incrementAndGet();
                }
            }, "handshake-loop");
            loop.start();
            try {
                Thread.sleep(100);
                // The gap is longer than the debounce and the first retry: the watch does read the new key
                // beside the old chain, finds they do not match, and must keep serving the old pair quietly.
                renameIntoPlace("ec-pkcs8.key", key);
                Thread.sleep(400);
                renameIntoPlace("ec-chain.pem", chain);
                awaitServed(address, EC, SOON);
                Thread.sleep(100);
            } finally {
                stop.set(true);
                loop.join(35_000);
            }
            assertTrue(handshakes.get() > 5, "the loop ran: " + handshakes.get());
            assertEquals(List.of(), failures, "failed handshakes out of " + handshakes.get());
            assertEquals(List.of(), log.messages(Level.ERROR), "a swap that completes is no error");
            assertEquals(EC, servedCn(address));
        }
    }

    @Test
    void aKeyThatStillDoesNotMatchAfterTheSettleTimeIsReportedOnceWhileTheOldPairIsServed() throws Exception {
        Path chain = dir.resolve("chain.pem");
        Path key = dir.resolve("key.pem");
        renameIntoPlace("rsa.key", key);
        renameIntoPlace("rsa-chain.pem", chain);
        try (Server server = new LineModule().start(TlsMode.IMPLICIT, watching(chain, key), dir);
             LogCapture log = new LogCapture(TlsFileWatch.class)) {
            InetSocketAddress address = server.localAddress("line");
            long swapped = System.nanoTime();
            renameIntoPlace("ec-pkcs8.key", key);
            long end = swapped + Duration.ofSeconds(30).toNanos();
            while (log.messages(Level.ERROR).isEmpty() && System.nanoTime() < end) {
                assertEquals(RSA, servedCn(address), "the old pair is served meanwhile");
                Thread.sleep(50);
            }
            Duration after = Duration.ofNanos(System.nanoTime() - swapped);
            List<String> errors = log.messages(Level.ERROR);
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(after.compareTo(TlsFileWatch.SETTLE.minusMillis(200)) >= 0, "not before the settle time: " + after);
            assertTrue(errors.get(0).startsWith("TLS reload failed, still serving the previous certificates: "
                    + "TLS private key " + key + ": does not match"), errors.get(0));
            Thread.sleep(TlsFileWatch.RETRY.multipliedBy(5).toMillis());
            assertEquals(1, log.messages(Level.ERROR).size(), "reported once, not at every retry");
            assertEquals(RSA, servedCn(address));
        }
    }
}
