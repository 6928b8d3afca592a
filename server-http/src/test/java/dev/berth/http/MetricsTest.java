package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.http.testing.BerthHttpExtension;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP meters of docs/metrics.md under real traffic (curl, the JDK client, raw sockets), with bounded tags. */
class MetricsTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    @TempDir
    Path root;
    private BerthHttpExtension server;

    private BerthHttpExtension start(HttpModule.Builder module) {
        server = BerthHttpExtension.of(module.redirectToHttps(false).build(), b -> b.meterRegistry(registry));
        server.start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpModule.Builder routes() {
        return HttpModule.builder()
                .get("/users/{id}", r -> HttpResponse.text("user " + r.pathParameter("id")))
                .route("BREW", "/pot", r -> HttpResponse.text("coffee"))
                .blocking("GET", "/slow", r -> {
                    entered.countDown();
                    release.await();
                    return HttpResponse.text("done");
                });
    }

    private Timer timer(String route, String method, String statusClass, String version) {
        return registry.find("http.server.request.duration").tags("listener", "http", "http.route", route,
                "http.request.method", method, "http.response.status_class", statusClass,
                "network.protocol.version", version).timer();
    }

    @Test
    void requestsAreTimedByRouteTemplateMethodStatusClassAndVersionNeverByPath() throws Exception {
        start(routes());
        Curl.run(server.http("/users/1"));
        Curl.run(server.http("/users/2"));
        Curl.run("--http2-prior-knowledge", server.http("/users/3"));
        Curl.run("-X", "BREW", server.http("/pot"));
        Curl.run("-o", "/dev/null", server.http("/nowhere"));
        // an exchange is measured once its last byte is written, which the client may see first
        awaitTrue(() -> registry.find("http.server.request.duration").timers().stream().mapToLong(Timer::count).sum() == 5);

        assertEquals(2, timer("/users/{id}", "GET", "2xx", "1.1").count());
        assertEquals(1, timer("/users/{id}", "GET", "2xx", "2").count());
        assertEquals(1, timer("/pot", "_OTHER", "2xx", "1.1").count(), "a method outside the standard nine");
        assertEquals(1, timer("_OTHER", "GET", "4xx", "1.1").count(), "a path no route matches");
        Set<String> routes = registry.find("http.server.request.duration").timers().stream()
                .map(t -> t.getId().getTag("http.route")).collect(Collectors.toSet());
        assertEquals(Set.of("/users/{id}", "/pot", "_OTHER"), routes);
        // OpenTelemetry's bucket boundaries: a modest, fixed series count per timer
        CountAtBucket[] buckets = timer("/users/{id}", "GET", "2xx", "1.1").takeSnapshot().histogramCounts();
        assertEquals(14, buckets.length);
        assertEquals(0.005, buckets[0].bucket(TimeUnit.SECONDS), 1e-9);
    }

    @Test
    void tenThousandDistinctPathsMakeTwoSeriesOneRouteAndOneForUnmatched() throws Exception {
        start(routes());
        try (Socket s = new Socket("127.0.0.1", server.httpPort())) {
            s.setSoTimeout(15_000);
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream());
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 10_000; i++) {
                batch.append(i % 2 == 0 ? "GET /users/" : "GET /nowhere/").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
                if (i % 25 == 24) { // fewer than the 32 pipelined requests the server holds before it stops reading
                    s.getOutputStream().write(batch.toString().getBytes(StandardCharsets.US_ASCII));
                    batch.setLength(0);
                    for (int k = 0; k < 25; k++) {
                        skipResponse(in);
                    }
                }
            }
        }
        awaitTrue(() -> registry.find("http.server.request.duration").timers().stream().mapToLong(Timer::count).sum()
                == 10_000);
        assertEquals(5_000, timer("/users/{id}", "GET", "2xx", "1.1").count());
        assertEquals(5_000, timer("_OTHER", "GET", "4xx", "1.1").count());
        assertEquals(2, registry.find("http.server.request.duration").timers().size());
        assertEquals(2, registry.find("http.server.response.body.size").summaries().size());
    }

    @Test
    void bodySizesAreTheBytesReceivedAndTheBytesWritten() throws Exception {
        Files.write(root.resolve("f.bin"), new byte[300_000]); // above the in-memory size: sent with sendfile
        start(HttpModule.builder().staticFiles(StaticFiles.from(root))
                .post("/echo-size", r -> HttpResponse.text(String.valueOf(r.body().length))));
        assertEquals("0", Curl.run("-X", "POST", server.http("/echo-size")));
        Curl.run("-o", "/dev/null", server.http("/f.bin"));
        // curl can have the last byte before the server has seen its write end and recorded it
        java.util.function.Supplier<DistributionSummary> out = () -> registry.find("http.server.response.body.size")
                .tags("http.route", "static", "http.response.status_class", "2xx").summary();
        awaitTrue(() -> out.get() != null && out.get().count() == 1);
        assertEquals(300_000, out.get().totalAmount());
        assertEquals("10", Curl.run("--data-binary", "0123456789", server.http("/echo-size")));
        DistributionSummary in = registry.find("http.server.request.body.size").tags("http.route", "/echo-size",
                "http.request.method", "POST").summary();
        awaitTrue(() -> in.count() == 2);
        assertEquals(10, in.totalAmount(), "the empty body of the first POST and the ten bytes of the second");
    }

    @Test
    void activeRequestsCountRequestsInProgressAndReturnToZero() throws Exception {
        start(routes());
        Gauge active = registry.find("http.server.active_requests").tag("listener", "http").gauge();
        assertEquals(0, active.value());
        Thread client = new Thread(() -> {
            try {
                Curl.run(server.http("/slow"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        client.start();
        assertTrue(entered.await(20, TimeUnit.SECONDS));
        assertEquals(1, active.value());
        release.countDown();
        client.join();
        awaitTrue(() -> active.value() == 0);
    }

    @Test
    void http2StreamsResetsAndGoAwaysAreCountedByDirection() throws Exception {
        Path big = root.resolve("big.bin");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(50_000_000L);
        }
        start(HttpModule.builder().staticFiles(StaticFiles.from(root)));
        HttpClient client = Clients.client(HttpClient.Version.HTTP_2);
        java.net.http.HttpResponse<InputStream> r = client.send(
                HttpRequest.newBuilder(server.httpsUri("/big.bin")).build(), BodyHandlers.ofInputStream());
        r.body().readNBytes(1024);
        Gauge streams = registry.find("berth.http.streams.active").tag("listener", "https").gauge();
        assertEquals(1, streams.value());
        r.body().close();
        Counter received = registry.find("berth.http.resets").tags("listener", "https", "direction", "received").counter();
        awaitTrue(() -> received.count() == 1);
        awaitTrue(() -> streams.value() == 0);
        assertEquals(0, registry.find("berth.http.goaways").tags("listener", "https", "direction", "sent").counter().count());
        server.close(); // a graceful stop says GOAWAY to every HTTP/2 connection
        server = null;
        assertEquals(1, registry.find("berth.http.goaways").tags("listener", "https", "direction", "sent").counter().count());
        Timer h2 = registry.find("http.server.request.duration").tags("listener", "https", "network.protocol.version", "2")
                .timer();
        assertEquals(1, h2.count(), "the reset download is measured too");
        assertTrue(registry.find("http.server.response.body.size").tags("listener", "https").summary().totalAmount()
                < 50_000_000L, "and its body size is what was written before the reset");
    }

    @Test
    void noMeterCarriesAClientAddressOrARawPath() throws Exception {
        start(routes());
        Curl.run(server.http("/users/secret-id-42"));
        awaitTrue(() -> timer("/users/{id}", "GET", "2xx", "1.1") != null);
        for (Meter m : registry.getMeters()) {
            String tags = m.getId().getTags().toString();
            assertTrue(!tags.contains("127.0.0.1") && !tags.contains("secret-id-42"), m.getId().toString());
        }
        assertNull(registry.find("http.server.request.duration").tag("http.route", "/users/secret-id-42").timer());
    }

    /** Reads one response with a Content-Length body. */
    private static void skipResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || head.lastIndexOf("\r\n\r\n") != head.length() - 4) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("closed after " + head);
            }
            head.append((char) b);
        }
        Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        assertTrue(m.find(), head.toString());
        in.readNBytes(Integer.parseInt(m.group(1)));
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 1000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean());
    }
}
