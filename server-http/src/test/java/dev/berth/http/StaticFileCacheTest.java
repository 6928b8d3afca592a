package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The static-file cache across a socket, with a short validity: a file changed in place, replaced by a
 * rename, deleted or swapped for a symbolic link leading out of the root is served as it was for at
 * most the validity interval, and never from outside the root; precompressed siblings go only to
 * clients that accept them.
 */
class StaticFileCacheTest {
    private static final Duration VALIDITY = Duration.ofMillis(300);

    @TempDir
    static Path dir;
    private static Path root;
    private static Path outside;
    private static TestServer server;
    private static final HttpClient client = Clients.client(HttpClient.Version.HTTP_1_1);

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(dir.resolve("root"));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "TOP SECRET");
        server = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .staticFiles(StaticFiles.from(root).withCacheValidity(VALIDITY)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "a small file changed {0} is served fresh once the validity has passed")
    @ValueSource(strings = {"in place", "by a rename over it"})
    void aChangedFileIsNotServedStalePastTheValidity(String how) throws Exception {
        String name = how.startsWith("in") ? "inplace.txt" : "renamed.txt";
        Path file = root.resolve(name);
        Files.writeString(file, "one");
        assertEquals("one", get("/" + name).body());
        assertEquals("one", get("/" + name).body(), "a hit");
        if (how.startsWith("in")) {
            Files.writeString(file, "two"); // the same size, truncated and rewritten: same inode
        } else {
            Path tmp = root.resolve(".tmp-" + name);
            Files.writeString(tmp, "two");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        awaitValidityFrom(System.nanoTime());
        assertEquals("two", get("/" + name).body());
    }

    @Test
    void aLargeFileChangedIsServedFreshOnceTheValidityHasPassed() throws Exception {
        Path file = root.resolve("large.bin");
        byte[] first = new byte[400 * 1024];
        byte[] second = new byte[500 * 1024];
        java.util.Arrays.fill(second, (byte) 7);
        Files.write(file, first);
        assertArrayEquals(first, getBytes("/large.bin").body());
        Path tmp = root.resolve(".tmp-large");
        Files.write(tmp, second);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        awaitValidityFrom(System.nanoTime());
        assertArrayEquals(second, getBytes("/large.bin").body());
    }

    @Test
    void aDeletedFileIsGoneOnceTheValidityHasPassed() throws Exception {
        Path file = root.resolve("deleted.txt");
        Files.writeString(file, "here");
        assertEquals(200, get("/deleted.txt").statusCode());
        Files.delete(file);
        awaitValidityFrom(System.nanoTime());
        assertEquals(404, get("/deleted.txt").statusCode());
    }

    @Test
    void aNewFileIsFoundOnceTheValidityHasPassedThoughItsAbsenceWasCached() throws Exception {
        assertEquals(404, get("/later.txt").statusCode());
        Files.writeString(root.resolve("later.txt"), "now here");
        awaitValidityFrom(System.nanoTime());
        assertEquals("now here", get("/later.txt").body());
    }

    @ParameterizedTest(name = "a file swapped for a symbolic link out of the root ({0}) is never served from outside")
    @ValueSource(strings = {"small", "large"})
    void aFileSwappedForASymlinkOutOfTheRootIsNeverServedFromOutside(String size) throws Exception {
        String name = "swapped-" + size + ".txt";
        Path file = root.resolve(name);
        Files.writeString(file, "public ".repeat(size.equals("small") ? 1 : 60_000));
        assertEquals(200, get("/" + name).statusCode());
        Path link = root.resolve(".link-" + name);
        Files.createSymbolicLink(link, outside.resolve("secret.txt"));
        Files.move(link, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        long changed = System.nanoTime();
        // every answer within the interval is the old file or a refusal, never the secret
        while (System.nanoTime() - changed < VALIDITY.toNanos() * 2) {
            HttpResponse<String> r = get("/" + name);
            assertFalse(r.body().contains("TOP SECRET"), r.body());
            assertTrue(r.statusCode() == 200 || r.statusCode() == 404 || r.statusCode() == 500, "status " + r.statusCode());
        }
        assertEquals(404, get("/" + name).statusCode(), "the link leads outside: refused once checked again");
    }

    @Test
    void aDirectorySwappedForASymlinkOutOfTheRootIsNeverFollowedEvenToAFileOfTheSameSize() throws Exception {
        Path sub = Files.createDirectories(root.resolve("sub"));
        byte[] size = new byte[300 * 1024];
        Files.write(sub.resolve("large.bin"), size);
        Path elsewhere = Files.createDirectories(outside.resolve("elsewhere"));
        byte[] secret = "TOP SECRET".repeat(size.length / 10).getBytes(StandardCharsets.ISO_8859_1);
        Files.write(elsewhere.resolve("large.bin"), secret);
        assertEquals(200, getBytes("/sub/large.bin").statusCode());
        Files.move(sub, root.resolve("sub-gone"));
        Files.createSymbolicLink(root.resolve("sub"), elsewhere);
        long changed = System.nanoTime();
        while (System.nanoTime() - changed < VALIDITY.toNanos() * 2) {
            HttpResponse<String> r = get("/sub/large.bin");
            assertFalse(r.body().contains("TOP SECRET"), "served through the swapped directory");
        }
        assertEquals(404, get("/sub/large.bin").statusCode());
    }

    @Test
    void aPrecompressedSiblingIsSentOnlyToClientsThatAcceptIt() throws Exception {
        Files.writeString(root.resolve("app.js"), "console.log(1);\n".repeat(50));
        Files.writeString(root.resolve("app.js.gz"), "GZ");
        Files.writeString(root.resolve("app.js.br"), "BR");

        HttpResponse<String> plain = get("/app.js");
        assertEquals("console.log(1);\n".repeat(50), plain.body());
        assertTrue(plain.headers().firstValue("content-encoding").isEmpty());
        assertEquals("Accept-Encoding", plain.headers().firstValue("vary").orElse(null));

        HttpResponse<String> gz = get("/app.js", "Accept-Encoding", "gzip");
        assertEquals("GZ", gz.body());
        assertEquals("gzip", gz.headers().firstValue("content-encoding").orElse(null));
        assertTrue(gz.headers().firstValue("content-type").orElse("").startsWith("text/javascript"));
        assertEquals("Accept-Encoding", gz.headers().firstValue("vary").orElse(null));

        HttpResponse<String> br = get("/app.js", "Accept-Encoding", "gzip, deflate, br");
        assertEquals("BR", br.body());
        assertEquals("br", br.headers().firstValue("content-encoding").orElse(null));

        assertEquals("GZ", get("/app.js", "Accept-Encoding", "br;q=0, gzip").body());
        assertEquals("console.log(1);\n".repeat(50), get("/app.js", "Accept-Encoding", "identity").body());

        String plainTag = plain.headers().firstValue("etag").orElseThrow();
        String gzTag = gz.headers().firstValue("etag").orElseThrow();
        String brTag = br.headers().firstValue("etag").orElseThrow();
        assertNotEquals(plainTag, gzTag);
        assertNotEquals(plainTag, brTag);
        assertNotEquals(gzTag, brTag);
        assertEquals(304, get("/app.js", "Accept-Encoding", "gzip", "If-None-Match", gzTag).statusCode());
        assertEquals(200, get("/app.js", "If-None-Match", gzTag).statusCode(), "the gzip tag does not match the identity");

        HttpResponse<String> range = get("/app.js", "Accept-Encoding", "gzip", "Range", "bytes=0-6");
        assertEquals(206, range.statusCode());
        assertEquals("console", range.body(), "a range is of the identity");
    }

    @Test
    void headIsAnsweredFromTheCacheWithTheLengthOfTheBody() throws Exception {
        Files.writeString(root.resolve("head.txt"), "x".repeat(1000));
        get("/head.txt");
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(URI.create(server.http("/head.txt")))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("1000", head.headers().firstValue("content-length").orElse(null));
        assertEquals("", head.body());
    }

    @Test
    void theCacheIsBoundedInEntries() throws Exception {
        try (TestServer small = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .staticFiles(StaticFiles.from(root).withCacheEntries(4).withCacheValidity(Duration.ofHours(1))))) {
            Files.writeString(root.resolve("evicted.txt"), "first");
            HttpClient c = Clients.client(HttpClient.Version.HTTP_1_1);
            assertEquals("first", c.send(HttpRequest.newBuilder(URI.create(small.http("/evicted.txt"))).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            Files.writeString(root.resolve("evicted.txt"), "second, longer");
            for (int i = 0; i < 20; i++) {
                c.send(HttpRequest.newBuilder(URI.create(small.http("/missing-" + i))).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            // with an hour's validity only an eviction can explain the new content
            assertEquals("second, longer", c.send(HttpRequest.newBuilder(URI.create(small.http("/evicted.txt"))).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        }
    }

    @Test
    void withTheCacheOffEveryRequestSeesTheDisk() throws Exception {
        try (TestServer off = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .staticFiles(StaticFiles.from(root).withCacheSize(0).withCacheValidity(Duration.ofHours(1))))) {
            Path file = root.resolve("uncached.txt");
            Files.writeString(file, "first");
            HttpClient c = Clients.client(HttpClient.Version.HTTP_1_1);
            URI uri = URI.create(off.http("/uncached.txt"));
            assertEquals("first", c.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body());
            Files.writeString(file, "second");
            assertEquals("second", c.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body());
        }
    }

    /** Waits until the validity has passed since {@code changedAt}: every entry checked before the change is stale by then. */
    private static void awaitValidityFrom(long changedAt) throws InterruptedException {
        long left = changedAt + VALIDITY.toNanos() - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left + TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.http(path))).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
    }

    private static HttpResponse<byte[]> getBytes(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.http(path))).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
