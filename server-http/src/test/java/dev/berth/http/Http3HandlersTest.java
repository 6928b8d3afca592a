package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.ListenerConfig;
import dev.berth.core.testing.BerthServerExtension;
import dev.berth.core.tls.TlsMode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of handler answers an HTTP/3 request as it answers the same request over HTTP/2 (Netty's HTTP/3
 * client beside the JDK's HTTP/2 client, one server): event-loop, async, blocking and streaming routes with path
 * parameters, streamed request and response bodies, and static files with ranges, validators and .gz siblings.
 */
class Http3HandlersTest {
    /** Headers whose presence and value must be the same over both protocols. */
    private static final List<String> COMPARED = List.of("content-type", "content-length", "content-encoding",
            "content-range", "etag", "last-modified", "vary", "accept-ranges", "x-kind");
    private static final int GENERATED = 2 * 1024 * 1024 + 5;

    @TempDir
    static Path root;
    private static byte[] big;
    private static byte[] css;
    private static byte[] cssGz;
    private static BerthServerExtension server;
    private static HttpClient h2;

    @BeforeAll
    static void start() throws Exception {
        big = new byte[20 * 1024 * 1024 + 3];
        new Random(3).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        css = "body { color: teal; }\n".repeat(200).getBytes(StandardCharsets.UTF_8);
        Files.write(root.resolve("style.css"), css);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(css);
        }
        cssGz = gz.toByteArray();
        Files.write(root.resolve("style.css.gz"), cssGz);
        HttpModule module = HttpModule.builder()
                .get("/sync/{id}", r -> HttpResponse.text("sync " + r.pathParameter("id") + " q="
                        + r.queryParameter("q").orElse("-")).header("x-kind", "event-loop"))
                .async("GET", "/async/{id}", r -> CompletableFuture.supplyAsync(
                        () -> HttpResponse.text("async " + r.pathParameter("id")).header("x-kind", "async"),
                        CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS)))
                .blocking("GET", "/blocking/{a}/{b}", r -> {
                    Thread.sleep(20);
                    return HttpResponse.json("{\"a\":\"" + r.pathParameter("a") + "\",\"b\":\"" + r.pathParameter("b")
                            + "\"}").header("x-kind", "blocking");
                })
                .blocking("GET", "/generated", r -> HttpResponse.stream(new ByteArrayInputStream(generated()),
                        "application/octet-stream").header("x-kind", "stream"))
                .streaming("POST", "/digest", r -> {
                    MessageDigest d = MessageDigest.getInstance("SHA-256");
                    long n = 0;
                    byte[] buf = new byte[16384];
                    try (InputStream in = r.bodyStream()) {
                        for (int k; (k = in.read(buf)) >= 0; n += k) {
                            d.update(buf, 0, k);
                        }
                    }
                    return HttpResponse.text(n + " " + HexFormat.of().formatHex(d.digest())).header("x-kind", "streaming");
                })
                .post("/buffered", r -> HttpResponse.text(r.body().length + " " + sha256(r.body())).header("x-kind", "buffered"))
                .async("GET", "/missing-future", r -> CompletableFuture.failedFuture(new IllegalStateException("no")))
                .staticFiles(StaticFiles.from(root))
                .build();
        server = BerthServerExtension.newBuilder().module(module)
                .listener(ListenerConfig.tcp("https").protocol(HttpModule.NAME).tlsMode(TlsMode.IMPLICIT).build())
                .listener(ListenerConfig.udp("h3").protocol(HttpModule.NAME).build())
                .build();
        server.start();
        h2 = HttpClient.newBuilder().sslContext(server.clientContext()).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static byte[] generated() {
        byte[] b = new byte[GENERATED];
        new Random(11).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Http3Client h3() throws Exception {
        return new Http3Client(server.port("h3"), server.certificates().trustManagerFactory());
    }

    /** One answer as both clients see it: status, the compared headers, the body. */
    private record Seen(int status, Map<String, String> headers, byte[] body) {
        @Override
        public String toString() {
            return status + " " + headers + " " + body.length + " bytes";
        }
    }

    private static Seen overHttp2(String method, String path, Map<String, String> headers, byte[] body) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
                URI.create("https://localhost:" + server.port("https") + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        java.net.http.HttpResponse<byte[]> r = h2.send(b.build(), BodyHandlers.ofByteArray());
        assertEquals(HttpClient.Version.HTTP_2, r.version());
        Map<String, String> compared = new LinkedHashMap<>();
        for (String h : COMPARED) {
            r.headers().firstValue(h).ifPresent(v -> compared.put(h, v));
        }
        return new Seen(r.statusCode(), compared, r.body());
    }

    private static Seen overHttp3(Http3Client c, String method, String path, Map<String, String> headers, byte[] body)
            throws Exception {
        Http3Client.Answer a = c.send(method, path, headers, body == null ? List.of() : List.of(body))
                .get(60, TimeUnit.SECONDS);
        Map<String, String> compared = new LinkedHashMap<>();
        for (String h : COMPARED) {
            CharSequence v = a.headers().get(h);
            if (v != null) {
                compared.put(h, v.toString());
            }
        }
        return new Seen(a.status(), compared, a.body());
    }

    /** The same request over both protocols gets the same status, compared headers and body; returns it. */
    private static Seen same(Http3Client c, String method, String path, Map<String, String> headers, byte[] body)
            throws Exception {
        Seen two = overHttp2(method, path, headers, body);
        Seen three = overHttp3(c, method, path, headers, body);
        assertEquals(two.status(), three.status(), method + " " + path + ": h2 " + two + ", h3 " + three);
        assertEquals(two.headers(), three.headers(), method + " " + path);
        assertArrayEquals(two.body(), three.body(), method + " " + path + ": the bodies differ");
        return three;
    }

    private static String text(Seen s) {
        return new String(s.body(), StandardCharsets.UTF_8);
    }

    @Test
    void eachHandlerKindAnswersHttp3AsItAnswersHttp2() throws Exception {
        try (Http3Client c = h3()) {
            assertEquals("sync 7 q=x y", text(same(c, "GET", "/sync/7?q=x%20y", Map.of(), null)));
            assertEquals("async 8", text(same(c, "GET", "/async/8", Map.of(), null)));
            assertEquals("{\"a\":\"one\",\"b\":\"two\"}", text(same(c, "GET", "/blocking/one/two", Map.of(), null)));
            assertEquals(500, same(c, "GET", "/missing-future", Map.of(), null).status());
            assertEquals(404, same(c, "GET", "/nothing/here", Map.of(), null).status());
            assertEquals(405, same(c, "DELETE", "/sync/7", Map.of(), null).status());
            byte[] small = "twelve bytes".getBytes(StandardCharsets.UTF_8);
            assertEquals("12 " + sha256(small), text(same(c, "POST", "/digest", Map.of(), small)));
            assertEquals("12 " + sha256(small), text(same(c, "POST", "/buffered", Map.of(), small)));
        }
    }

    @Test
    void aResponseStreamedFromAnInputStreamArrivesWhole() throws Exception {
        try (Http3Client c = h3()) {
            Seen s = same(c, "GET", "/generated", Map.of(), null);
            assertEquals(200, s.status());
            assertArrayEquals(generated(), s.body());
        }
    }

    @Test
    void aStreamedRequestBodyLargerThanTheStreamWindowReachesStreamingAndBufferedHandlers() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 11]; // three times the 1 MiB stream window
        new Random(5).nextBytes(body);
        List<byte[]> chunks = new ArrayList<>();
        for (int at = 0; at < body.length; at += 64 * 1024) {
            chunks.add(Arrays.copyOfRange(body, at, Math.min(body.length, at + 64 * 1024)));
        }
        String expected = body.length + " " + sha256(body);
        try (Http3Client c = h3()) {
            for (String path : List.of("/digest", "/buffered")) {
                Http3Client.Answer a = c.send("POST", path, Map.of(), chunks).get(60, TimeUnit.SECONDS);
                assertEquals(200, a.status(), path);
                assertEquals(expected, a.text(), path);
            }
        }
        assertEquals(expected, text(overHttp2("POST", "/digest", Map.of(), body)), "the same over HTTP/2");
    }

    @Test
    void aHundredConcurrentStreamsOnOneConnectionAreEachAnswered() throws Exception {
        try (Http3Client c = h3()) {
            List<CompletableFuture<Http3Client.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String path = switch (i % 3) {
                    case 0 -> "/sync/" + i;
                    case 1 -> "/async/" + i;
                    default -> "/blocking/" + i + "/x";
                };
                answers.add(c.send("GET", path, Map.of(), List.of()));
            }
            for (int i = 0; i < 100; i++) {
                Http3Client.Answer a = answers.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(200, a.status(), "stream " + i);
                assertTrue(a.text().contains(String.valueOf(i)), a.text());
            }
        }
    }

    @Test
    void aTwentyMegabyteFileArrivesByteForByte() throws Exception {
        try (Http3Client c = h3()) {
            Http3Client.Answer a = c.get("/big.bin", Map.of());
            assertEquals(200, a.status());
            assertEquals(String.valueOf(big.length), String.valueOf(a.headers().get("content-length")));
            assertEquals(sha256(big), sha256(a.body()));
        }
    }

    @Test
    void aRangeGets206WithThoseBytesAndAnUnsatisfiableOne416() throws Exception {
        try (Http3Client c = h3()) {
            Seen part = same(c, "GET", "/big.bin", Map.of("Range", "bytes=1000-1999"), null);
            assertEquals(206, part.status());
            assertEquals("bytes 1000-1999/" + big.length, part.headers().get("content-range"));
            assertArrayEquals(Arrays.copyOfRange(big, 1000, 2000), part.body());
            Seen tail = same(c, "GET", "/big.bin", Map.of("Range", "bytes=-100"), null);
            assertArrayEquals(Arrays.copyOfRange(big, big.length - 100, big.length), tail.body());
            Seen beyond = same(c, "GET", "/big.bin", Map.of("Range", "bytes=" + big.length + "-"), null);
            assertEquals(416, beyond.status());
            assertEquals("bytes */" + big.length, beyond.headers().get("content-range"));
        }
    }

    @Test
    void ifNoneMatchWithTheCurrentEtagGets304WithoutABody() throws Exception {
        try (Http3Client c = h3()) {
            Http3Client.Answer first = c.get("/style.css", Map.of());
            String etag = String.valueOf(first.headers().get("etag"));
            assertTrue(etag.startsWith("\"") || etag.startsWith("W/"), etag);
            Seen again = same(c, "GET", "/style.css", Map.of("If-None-Match", etag), null);
            assertEquals(304, again.status());
            assertEquals(0, again.body().length);
            assertEquals(200, same(c, "GET", "/style.css", Map.of("If-None-Match", "\"other\""), null).status());
        }
    }

    @Test
    void aGzipSiblingIsServedWithContentEncodingOnlyWhenAccepted() throws Exception {
        try (Http3Client c = h3()) {
            Seen gz = same(c, "GET", "/style.css", Map.of("Accept-Encoding", "gzip"), null);
            assertEquals(200, gz.status());
            assertEquals("gzip", gz.headers().get("content-encoding"));
            assertArrayEquals(cssGz, gz.body(), "the .gz file on disk, as it is");
            Seen plain = same(c, "GET", "/style.css", Map.of(), null);
            assertEquals(null, plain.headers().get("content-encoding"));
            assertArrayEquals(css, plain.body());
        }
    }
}
