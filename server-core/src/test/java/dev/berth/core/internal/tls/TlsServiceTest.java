package dev.berth.core.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.tls.LineModule;
import dev.berth.core.tls.TestPki;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsMode;
import dev.berth.core.tls.TlsReload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server owns its TLS: one provider per distinct setup, reload on request, nothing left after stop. */
class TlsServiceTest {
    @TempDir
    Path data;

    private static TlsConfig rsa() {
        return TlsConfig.builder().certificateChain(TestPki.file("rsa-chain.pem")).privateKey(TestPki.file("rsa.key"))
                .build();
    }

    private static TlsConfig ec() {
        return TlsConfig.builder().certificateChain(TestPki.file("ec-chain.pem")).privateKey(TestPki.file("ec-sec1.key"))
                .build();
    }

    @Test
    void listenersWithEqualSettingsShareOneProviderAndOthersGetTheirOwn() {
        try (TlsService service = new TlsService(data)) {
            ListenerTls a = service.listener("a", TlsMode.IMPLICIT, rsa(), List.of("h2")).orElseThrow();
            ListenerTls b = service.listener("b", TlsMode.STARTTLS, rsa(), List.of("h2")).orElseThrow();
            ListenerTls otherAlpn = service.listener("c", TlsMode.IMPLICIT, rsa(), List.of()).orElseThrow();
            ListenerTls otherChain = service.listener("d", TlsMode.IMPLICIT, ec(), List.of("h2")).orElseThrow();
            assertSame(a.provider(), b.provider(), "equal settings, equal ALPN: one provider");
            assertEquals(TlsMode.STARTTLS, b.mode(), "each listener keeps its own mode");
            assertNotSame(a.provider(), otherAlpn.provider());
            assertNotSame(a.provider(), otherChain.provider());
            assertEquals(Optional.empty(), service.listener("plain", TlsMode.NONE, rsa(), List.of()),
                    "a plaintext listener has no TLS, rather than a null one");
        }
    }

    @Test
    void reloadTlsReportsEachSetupOnceWithTheListenersThatShareIt() {
        try (Server server = Server.builder()
                .module(new LineModule())
                .dataDirectory(data)
                .shutdownTimeout(Duration.ofSeconds(2))
                .listener(ListenerConfig.tcp("one").host("127.0.0.1").port(0).protocol("line")
                        .tlsMode(TlsMode.IMPLICIT).tls(rsa()).build())
                .listener(ListenerConfig.tcp("two").host("127.0.0.1").port(0).protocol("line")
                        .tlsMode(TlsMode.OPTIONAL).tls(rsa()).build())
                .listener(ListenerConfig.tcp("three").host("127.0.0.1").port(0).protocol("line")
                        .tlsMode(TlsMode.IMPLICIT).tls(ec()).build())
                .listener(ListenerConfig.tcp("plain").host("127.0.0.1").port(0).protocol("line").build())
                .build().start()) {
            List<TlsReload> done = server.reloadTls();
            assertEquals(2, done.size(), done.toString());
            assertEquals(List.of("one", "two"), done.get(0).listeners());
            assertEquals(TestPki.file("rsa-chain.pem").toString(), done.get(0).certificateChain());
            assertEquals(List.of("three"), done.get(1).listeners());
            assertTrue(done.stream().allMatch(TlsReload::reloaded), done.toString());
        }
    }

    @Test
    void aStoppedServerLeavesNoTlsThreadBehind() throws Exception {
        // Counted relative to before: a server another test left running must not make this one fail.
        int watchersBefore = threads("berth-tls-watch");
        int jdkWatchersBefore = threads("FileSystemWatch");
        Server server = new LineModule().start(TlsMode.IMPLICIT, rsa(), data);
        assertEquals(watchersBefore + 1, threads("berth-tls-watch"), "the running server watches its files");
        server.stop();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((threads("berth-tls-watch") > watchersBefore || threads("FileSystemWatch") > jdkWatchersBefore)
                && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(watchersBefore, threads("berth-tls-watch"), "the watch thread ended with the server");
        assertTrue(threads("FileSystemWatch") <= jdkWatchersBefore, "and so did the file system's watch");
        assertEquals(List.of(), server.reloadTls(), "a stopped server reloads nothing");
    }

    @Test
    void noThreadWatchesWhenNothingIsToBeWatched() {
        int before = threads("berth-tls-watch");
        TlsConfig unwatched = rsa().toBuilder().reloadInterval(Duration.ZERO).build();
        try (Server server = new LineModule().start(TlsMode.IMPLICIT, unwatched, data)) {
            assertEquals(before, threads("berth-tls-watch"));
        }
        try (Server server = new LineModule().start(TlsMode.IMPLICIT, TlsConfig.defaults(), data)) {
            assertEquals(before, threads("berth-tls-watch"), "the self-signed default has no files to watch");
        }
    }

    private static int threads(String namePrefix) {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(namePrefix)).count();
    }
}
