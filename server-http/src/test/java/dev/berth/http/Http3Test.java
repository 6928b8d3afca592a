package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.ListenerConfig;
import dev.berth.core.tls.TlsMode;
import dev.berth.core.testing.BerthServerExtension;
import dev.berth.http.testing.BerthHttpExtension;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP/3 on a UDP listener beside HTTPS: the same routes and static files, and Alt-Svc on h1/h2 when it is on. */
class Http3Test {
    @TempDir
    static Path root;
    private static byte[] file;
    private static BerthServerExtension server;

    @BeforeAll
    static void start() throws Exception {
        file = new byte[3 * 1024 * 1024 + 17]; // above a stream's window, so QUIC flow control has to turn
        new Random(17).nextBytes(file);
        Files.write(root.resolve("big.bin"), file);
        HttpModule module = HttpModule.builder()
                .get("/users/{id}", r -> HttpResponse.text("user " + r.pathParameter("id") + " over " + r.protocol()))
                .post("/echo", r -> HttpResponse.text("got " + r.bodyText()))
                .staticFiles(StaticFiles.from(root))
                .build();
        server = BerthServerExtension.newBuilder().module(module)
                .listener(ListenerConfig.tcp("https").protocol(HttpModule.NAME).tlsMode(TlsMode.IMPLICIT).build())
                .listener(ListenerConfig.udp("h3").protocol(HttpModule.NAME).build())
                .build();
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static Http3Client client() throws Exception {
        return new Http3Client(server.port("h3"), server.certificates().trustManagerFactory());
    }

    @Test
    void aRouteAnswersOverHttp3WithItsPathParameter() throws Exception {
        try (Http3Client c = client()) {
            Http3Client.Answer a = c.get("/users/7");
            assertEquals(200, a.status());
            assertEquals("user 7 over HTTP/3", a.text());
        }
        io.micrometer.core.instrument.Timer t = null;
        for (int i = 0; i < 50 && t == null; i++) {
            t = server.server().config().meterRegistry().find("http.server.request.duration")
                    .tags("listener", "h3", "network.protocol.version", "3", "http.route", "/users/{id}").timer();
            Thread.sleep(100);
        }
        assertTrue(t != null && t.count() >= 1, "the exchange is measured as HTTP version 3");
    }

    @Test
    void aStaticFileLargerThanTheStreamWindowArrivesByteForByte() throws Exception {
        try (Http3Client c = client()) {
            Http3Client.Answer a = c.get("/big.bin");
            assertEquals(200, a.status());
            assertEquals(String.valueOf(file.length), String.valueOf(a.headers().get("content-length")));
            assertTrue(a.headers().contains("etag"), a.headers().toString());
            assertArrayEquals(file, a.body());
        }
    }

    @Test
    void aPostedBodyReachesTheHandler() throws Exception {
        try (Http3Client c = client()) {
            Http3Client.Answer a = c.send("POST", "/echo", "twelve bytes".getBytes(StandardCharsets.UTF_8))
                    .get(30, TimeUnit.SECONDS);
            assertEquals(200, a.status());
            assertEquals("got twelve bytes", a.text());
        }
    }

    @Test
    void twentyConcurrentStreamsOnOneConnectionAreEachAnswered() throws Exception {
        try (Http3Client c = client()) {
            List<CompletableFuture<Http3Client.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(c.send("GET", "/users/" + i, null));
            }
            for (int i = 0; i < 20; i++) {
                assertEquals("user " + i + " over HTTP/3", answers.get(i).get(30, TimeUnit.SECONDS).text());
            }
        }
    }

    @Test
    void http3RequestsAreWrittenToTheAccessLogAsHttp3() throws Exception {
        try (LogCapture log = new LogCapture("berth.http.access"); Http3Client c = client()) {
            c.get("/users/42");
            String line = log.await("/users/42");
            assertTrue(line.contains("\"GET /users/42 "), line);
            assertTrue(line.contains(" HTTP/3 "), line);
            assertTrue(line.startsWith("127.0.0.1 "), line);
        }
    }

    @Test
    void httpsResponsesAdvertiseTheHttp3PortWithAltSvc() throws Exception {
        String expected = "h3=\":" + server.port("h3") + "\"; ma=86400";
        for (HttpClient.Version v : List.of(HttpClient.Version.HTTP_1_1, HttpClient.Version.HTTP_2)) {
            HttpClient client = HttpClient.newBuilder().sslContext(server.clientContext()).version(v).build();
            java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("https://localhost:" + server.port("https") + "/users/1")).build(),
                    BodyHandlers.ofString());
            assertEquals(v, r.version());
            assertEquals(expected, r.headers().firstValue("alt-svc").orElse("none"), v.toString());
        }
    }

    @Test
    void withoutAnHttp3ListenerThereIsNoAltSvc() throws Exception {
        try (BerthHttpExtension plain = BerthHttpExtension.started(HttpModule.builder()
                .get("/", r -> HttpResponse.text("hi")).build())) {
            java.net.http.HttpResponse<String> r = plain.client().send(
                    java.net.http.HttpRequest.newBuilder(plain.httpsUri("/")).build(), BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("strict-transport-security").isPresent());
            assertFalse(r.headers().firstValue("alt-svc").isPresent(), r.headers().toString());
        }
    }
}
