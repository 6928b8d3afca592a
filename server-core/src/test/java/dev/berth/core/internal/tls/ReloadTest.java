package dev.berth.core.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.berth.core.Server;
import dev.berth.core.tls.LineModule;
import dev.berth.core.tls.LogCapture;
import dev.berth.core.tls.TestPki;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsMode;
import dev.berth.core.tls.TlsReload;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New certificate files reach new connections; open connections keep theirs; a broken file changes nothing. */
class ReloadTest {
    @TempDir
    Path dir;

    private Path chain;
    private Path key;

    private TlsConfig live(Duration interval) throws Exception {
        chain = dir.resolve("live-chain.pem");
        key = dir.resolve("live.key");
        install("rsa-chain.pem", "rsa.key");
        return TlsConfig.builder().reloadInterval(interval).certificateChain(chain).privateKey(key).build();
    }

    /** Key first, then chain, each by rename: how a careful deploy script replaces them. */
    private void install(String newChain, String newKey) throws Exception {
        replace(TestPki.file(newKey), key);
        replace(TestPki.file(newChain), chain);
    }

    private static void replace(Path from, Path to) throws Exception {
        Path tmp = to.resolveSibling(to.getFileName() + ".new");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static SSLSocket connect(InetSocketAddress address) throws Exception {
        SSLSocket s = (SSLSocket) TestPki.trustingRoot().getSocketFactory()
                .createSocket("127.0.0.1", address.getPort());
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    private static String servedCn(SSLSocket s) throws Exception {
        return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    private static String newConnectionCn(InetSocketAddress address) {
        try (SSLSocket s = connect(address)) {
            return servedCn(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("within 30s: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static String roundTrip(SSLSocket s, String line) throws Exception {
        s.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void changedFilesReachNewConnectionsWhileOpenOnesKeepTheirsAndABrokenFileChangesNothing() throws Exception {
        try (Server server = new LineModule().start(TlsMode.IMPLICIT, live(Duration.ofMillis(100)), dir);
             LogCapture log = new LogCapture(TlsFileWatch.class)) {
            InetSocketAddress address = server.localAddress("line");
            try (SSLSocket open = connect(address)) {
                assertEquals("CN=rsa,O=Berth test", servedCn(open));
                install("ec-chain.pem", "ec-pkcs8.key");
                await("a new connection gets the new certificate",
                        () -> newConnectionCn(address).equals("CN=ec,O=Berth test"));
                assertEquals("ECHO still-here", roundTrip(open, "still-here"), "the open connection keeps working");
                assertEquals("CN=rsa,O=Berth test", servedCn(open), "and keeps the certificate it started with");
            }
            int errorsBefore = log.messages(Level.ERROR).size();
            Files.writeString(chain, "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
            await("the broken file is reported", () -> log.messages(Level.ERROR).size() > errorsBefore);
            String error = log.messages(Level.ERROR).get(log.messages(Level.ERROR).size() - 1);
            assertTrue(error.startsWith("TLS reload failed, still serving the previous certificates: "
                    + "TLS certificate chain " + chain), error);
            assertEquals("CN=ec,O=Berth test", newConnectionCn(address), "the broken file changed nothing");
        }
    }

    @Test
    void reloadTlsAsOnSighupLoadsTheNewFilesWithoutAWatchAndSaysWhatItDid() throws Exception {
        try (Server server = new LineModule().start(TlsMode.IMPLICIT, live(Duration.ZERO), dir)) {
            InetSocketAddress address = server.localAddress("line");
            assertEquals("CN=rsa,O=Berth test", newConnectionCn(address));
            install("ec-chain.pem", "ec-sec1.key");
            assertEquals("CN=rsa,O=Berth test", newConnectionCn(address), "nothing watches: still the old one");
            List<TlsReload> done = server.reloadTls();
            assertEquals(1, done.size(), done.toString());
            assertTrue(done.get(0).reloaded(), done.toString());
            assertEquals(List.of("line"), done.get(0).listeners());
            assertEquals("CN=ec,O=Berth test", newConnectionCn(address), "the reload reached new connections at once");
            Files.writeString(chain, "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
            TlsReload failed = server.reloadTls().get(0);
            assertFalse(failed.reloaded());
            assertTrue(failed.failure().orElseThrow().startsWith("TLS certificate chain " + chain), failed.toString());
            assertEquals("CN=ec,O=Berth test", newConnectionCn(address), "the broken file changed nothing");
        }
    }
}
