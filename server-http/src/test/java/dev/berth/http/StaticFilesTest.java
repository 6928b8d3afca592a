package dev.berth.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Static files through curl (HTTP/1.1 and HTTP/2) and raw sockets: every serving rule and every way out of the root. */
class StaticFilesTest {
    @TempDir
    static Path dir;
    private static Path root;
    private static byte[] big;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(dir.resolve("root"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "TOP SECRET");
        Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
        Files.writeString(root.resolve("a.txt"), "0123456789abcdef".repeat(64));
        Files.writeString(root.resolve("style.css"), "body{}");
        big = new byte[300_000];
        new Random(1).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/index.html"), "sub index");
        Files.createDirectories(root.resolve("empty dir"));
        Files.writeString(root.resolve("empty dir/x.txt"), "x");
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("escape.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("alias.txt"), root.resolve("a.txt"));
        Files.createSymbolicLink(root.resolve("loop1"), root.resolve("loop2"));
        Files.createSymbolicLink(root.resolve("loop2"), root.resolve("loop1"));
        server = TestServer.start(HttpModule.builder().redirectToHttps(false).staticFiles(StaticFiles.from(root)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theRootServesIndexHtmlOverHttp11AndHttp2() throws Exception {
        assertEquals("<h1>home</h1>", Curl.run("-k", "--http1.1", server.https("/")));
        assertEquals("<h1>home</h1>", Curl.run("-k", "--http2", server.https("/")));
        assertEquals("sub index", Curl.run("-k", server.https("/sub/")));
    }

    @Test
    void contentTypesComeFromTheFileName() throws Exception {
        String headers = Curl.run("-k", "-I", server.https("/style.css"));
        assertTrue(headers.toLowerCase().contains("content-type: text/css"), headers);
        assertTrue(Curl.run("-k", "-I", server.https("/big.bin")).toLowerCase()
                .contains("content-type: application/octet-stream"));
    }

    @Test
    void aDirectoryWithoutTrailingSlashIsRedirected() throws Exception {
        String headers = Curl.run("-k", "-i", server.https("/sub?x=1"));
        assertTrue(headers.startsWith("HTTP/2 301"), headers);
        assertTrue(headers.toLowerCase().contains("location: /sub/?x=1"), headers);
    }

    @Test
    void aDirectoryWithoutIndexIsNotListedByDefault() throws Exception {
        assertEquals("404", Curl.run("-k", "-o", "/dev/null", "-w", "%{http_code}", server.https("/empty%20dir/")));
        assertEquals("x", Curl.run("-k", server.https("/empty%20dir/x.txt")));
    }

    @Test
    void anEtagMatchGets304() throws Exception {
        String headers = Curl.run("-k", "-I", server.https("/a.txt"));
        String etag = header(headers, "etag");
        assertEquals("304", Curl.run("-k", "-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: " + etag,
                server.https("/a.txt")));
        assertEquals("200", Curl.run("-k", "-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: \"other\"",
                server.https("/a.txt")));
    }

    @Test
    void anUnchangedFileSinceIfModifiedSinceGets304() throws Exception {
        String lastModified = header(Curl.run("-k", "-I", server.https("/a.txt")), "last-modified");
        assertEquals("304", Curl.run("-k", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                "If-Modified-Since: " + lastModified, server.https("/a.txt")));
        assertEquals("200", Curl.run("-k", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT", server.https("/a.txt")));
    }

    @Test
    void aSingleRangeGets206WithTheBytes() throws Exception {
        String answer = Curl.run("-k", "-i", "--http1.1", "-r", "2-5", server.https("/a.txt"));
        assertTrue(answer.startsWith("HTTP/1.1 206"), answer);
        assertTrue(answer.toLowerCase().contains("content-range: bytes 2-5/1024"), answer);
        assertTrue(answer.endsWith("\r\n\r\n2345"), answer);
        assertEquals("def", Curl.run("-k", "--http2", "-r", "-3", server.https("/a.txt")));
        assertEquals("cdef", Curl.run("--http1.1", "-r", "1020-", server.http("/a.txt")));
    }

    @Test
    void aQueryStringDoesNotChangeWhichFileIsServed() throws Exception {
        assertEquals("0123", Curl.run("--http1.1", "-r", "0-3", server.http("/a.txt?x=/../../outside/secret.txt")));
    }

    @Test
    void manyOverlappingRangesGetTheWholeFileOnceNotAMultipartAmplification() throws Exception {
        String ranges = "0-0," + "0-1023,".repeat(200) + "1-1";
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=" + ranges + "\r\n\r\n").readResponse();
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(answer.toLowerCase().contains("content-length: 1024\r\n"), answer);
        }
    }

    @Test
    void aZeroSuffixRangeAndHugeNumbersAreNotSatisfiableOrIgnored() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String zero = c.send("GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=-0\r\n\r\n").readResponse();
            assertTrue(zero.startsWith("HTTP/1.1 416 ") || zero.startsWith("HTTP/1.1 200 "), zero);
            String huge = c.send("GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=99999999999999999999999-\r\n\r\n")
                    .readResponse();
            assertTrue(huge.startsWith("HTTP/1.1 416 ") || huge.startsWith("HTTP/1.1 200 "), huge);
            String wrap = c.send("GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-99999999999999999999999\r\n\r\n")
                    .readResponse();
            assertTrue(wrap.startsWith("HTTP/1.1 206 ") || wrap.startsWith("HTTP/1.1 200 "), wrap);
            assertTrue(wrap.endsWith("0123456789abcdef".repeat(64)), "the whole file, no more: " + wrap);
        }
    }

    @Test
    void ifRangeHonoursTheRangeOnlyWhileTheValidatorMatches() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String full = c.send("HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n").readHeadResponse();
            String etag = full.lines().filter(l -> l.toLowerCase().startsWith("etag:")).findFirst().orElseThrow()
                    .substring(5).trim();
            String fresh = c.send("GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-3\r\nIf-Range: " + etag
                    + "\r\n\r\n").readResponse();
            assertTrue(fresh.startsWith("HTTP/1.1 206 ") && fresh.endsWith("\r\n\r\n0123"), fresh);
            String stale = c.send("GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-3\r\nIf-Range: \"stale\"\r\n\r\n")
                    .readResponse();
            assertTrue(stale.startsWith("HTTP/1.1 200 ") && stale.endsWith("0123456789abcdef".repeat(64)), stale);
            String weak = c.send("GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-3\r\nIf-Range: W/" + etag
                    + "\r\n\r\n").readResponse();
            assertTrue(weak.startsWith("HTTP/1.1 200 "), "a weak validator never honours a range: " + weak);
        }
    }

    @Test
    void aRangeBeyondTheEndGets416() throws Exception {
        String answer = Curl.run("-k", "-i", "-r", "5000-6000", server.https("/a.txt"));
        assertTrue(answer.startsWith("HTTP/2 416"), answer);
        assertTrue(answer.toLowerCase().contains("content-range: bytes */1024"), answer);
    }

    @Test
    void textIsGzippedForClientsThatAcceptItAndBinaryIsNot() throws Exception {
        String headers = Curl.run("-k", "-s", "-D", "-", "-o", "/dev/null", "-H", "Accept-Encoding: gzip", server.https("/a.txt"));
        assertTrue(headers.toLowerCase().contains("content-encoding: gzip"), headers);
        assertTrue(headers.toLowerCase().contains("vary: accept-encoding"), headers);
        assertEquals("0123456789abcdef".repeat(64), Curl.run("-k", "--compressed", server.https("/a.txt")));
        String binary = Curl.run("-k", "-s", "-D", "-", "-o", "/dev/null", "-H", "Accept-Encoding: gzip", server.https("/big.bin"));
        assertFalse(binary.toLowerCase().contains("content-encoding"), binary);
    }

    @ParameterizedTest(name = "a large file arrives intact over {0}")
    @ValueSource(strings = {"plain-http1", "tls-http1", "tls-http2", "h2c"})
    void aLargeFileArrivesIntactOverEveryTransport(String how) throws Exception {
        Path out = dir.resolve("download-" + how);
        switch (how) {
            case "plain-http1":
                Curl.run("--http1.1", "-o", out.toString(), server.http("/big.bin"));
                break;
            case "tls-http1":
                Curl.run("-k", "--http1.1", "-o", out.toString(), server.https("/big.bin"));
                break;
            case "tls-http2":
                Curl.run("-k", "--http2", "-o", out.toString(), server.https("/big.bin"));
                break;
            default:
                Curl.run("--http2-prior-knowledge", "-o", out.toString(), server.http("/big.bin"));
        }
        assertArrayEquals(big, Files.readAllBytes(out));
    }

    @ParameterizedTest(name = "{0} does not leave the root")
    @ValueSource(strings = {"/../outside/secret.txt", "/%2e%2e/outside/secret.txt", "/%2E%2E/outside/secret.txt",
            "/sub/../../outside/secret.txt", "/sub/%2e%2e/%2e%2e/outside/secret.txt", "/..%2foutside%2fsecret.txt",
            "/%2f..%2foutside/secret.txt", "/..\\outside\\secret.txt", "/%5c..%5coutside%5csecret.txt",
            "/a.txt%00.html", "/%00", "//etc/passwd", "/sub//../a.txt", "/./a.txt", "/%2e/a.txt",
            "/escape/secret.txt", "/escape.txt", "/C:/Windows/win.ini", "/%c0%ae%c0%ae/outside/secret.txt",
            "/%252e%252e/outside/secret.txt", "/..;/outside/secret.txt", "/sub/..;/..;/outside/secret.txt",
            "/..%5c..%5coutside%5csecret.txt", "/a.txt.", "/a.txt%20", "/sub/.", "/loop1", "/loop1/x",
            "/%e0%80%ae%e0%80%ae/outside/secret.txt", "/%2e%2e%2foutside/secret.txt"})
    void aPathThatWouldLeaveTheRootIsRefused(String path) throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 400 ") || answer.startsWith("HTTP/1.1 404 "), answer);
            assertFalse(answer.contains("TOP SECRET"), answer);
        }
    }

    @Test
    void anAbsoluteFormTargetIsServedFromTheRootToo() throws Exception {
        try (RawClient c = new RawClient(server.httpPort())) {
            String answer = c.send("GET http://x/style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("body{}"), answer);
        }
    }

    @Test
    void aSymlinkInsideTheRootIsFollowed() throws Exception {
        assertEquals("0123456789abcdef".repeat(64), Curl.run("-k", server.https("/alias.txt")));
    }

    @Test
    void symlinksLeavingTheRootAreFollowedOnlyWhenConfiguredAndListingOnlyWhenAsked() throws Exception {
        try (TestServer open = TestServer.start(HttpModule.builder().redirectToHttps(false)
                .staticFiles(StaticFiles.from(root).withFollowSymlinks(true).withListing(true)))) {
            assertEquals("TOP SECRET", Curl.run(open.http("/escape.txt")));
            String listing = Curl.run(open.http("/empty%20dir/"));
            assertTrue(listing.contains("<a href=\"x.txt\">x.txt</a>"), listing);
        }
    }

    @Test
    void postToAStaticFileGets405() throws Exception {
        String answer = Curl.run("-k", "-i", "-X", "POST", server.https("/a.txt"));
        assertTrue(answer.startsWith("HTTP/2 405"), answer);
        assertTrue(answer.toLowerCase().contains("allow: get, head, options"), answer);
    }

    @Test
    void withoutARootTheWelcomePageIsServed() throws Exception {
        try (TestServer welcome = TestServer.start(HttpModule.builder().redirectToHttps(false))) {
            assertTrue(Curl.run(welcome.http("/")).contains("Berth is serving"));
            assertEquals("404", Curl.run("-o", "/dev/null", "-w", "%{http_code}", welcome.http("/a.txt")));
        }
    }

    private static String header(String response, String name) {
        for (String line : response.split("\r\n")) {
            if (line.toLowerCase().startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new AssertionError("no " + name + " in " + response);
    }
}
