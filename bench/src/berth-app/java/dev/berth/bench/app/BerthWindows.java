package dev.berth.bench.app;

import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.tls.TlsMode;
import dev.berth.http.HttpLimits;
import dev.berth.http.HttpModule;
import dev.berth.http.HttpResponse;
import dev.berth.http.StaticFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Berth's side of the HTTP/2 flow-control measurement (bench/h2-windows): static files from {@code --root}
 * for downloads and {@code POST /discard}, which reads the request body as it arrives and throws it away,
 * for uploads; one TLS listener {@code https} on port 0 with the self-signed default certificate. Compiled by
 * bench/h2-windows against the server-http.jar it measures.
 *
 * <p>Usage: {@code BerthWindows --root DIR --ready-file F [--data-dir D]}.
 */
public final class BerthWindows {
    private BerthWindows() {
    }

    public static void main(String[] argv) throws InterruptedException {
        Map<String, String> a = AppArgs.parse(argv);
        HttpModule module = HttpModule.builder()
                .staticFiles(StaticFiles.from(Path.of(a.get("root"))))
                .streaming("POST", "/discard", req -> HttpResponse.text("discarded " + discard(req.bodyStream()) + "\n"))
                .limits(HttpLimits.DEFAULTS.withMaxBodySize(1L << 30))
                .redirectToHttps(false)
                .hsts(null)
                .build();
        Server server = Server.builder()
                .eventLoopThreads(1)
                .dataDirectory(Path.of(a.getOrDefault("data-dir", "berth-data")))
                .readyFile(Path.of(a.get("ready-file")))
                .listener(ListenerConfig.tcp("https").protocol("http").host("127.0.0.1").port(0)
                        .tlsMode(TlsMode.IMPLICIT).build())
                .module(module)
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "bench-stop"));
        new CountDownLatch(1).await();
    }

    private static long discard(InputStream body) {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        try (body) {
            for (int n; (n = body.read(buf)) > 0; ) {
                total += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total;
    }
}
