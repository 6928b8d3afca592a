package dev.berth.it.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.DeployedServer;
import dev.berth.it.support.Program;
import dev.berth.it.support.TestPki;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployed server-http jar's access log against curl: a 50 MB download the client gives up on logs
 * the bytes really written and {@code aborted}, over HTTP/1.1 on TLS and over HTTP/2; a whole one logs
 * its size and {@code complete}; each line is printed as it is, without the prefix of the server's own log lines.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessLogTest {
    private static final long SIZE = 50_000_000L;

    @TempDir
    static Path dir;

    private final Program curl = Program.require("curl", "curl");
    private TestPki pki;
    private DeployedServer server;

    @BeforeAll
    void deploy() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        Path root = Files.createDirectories(dir.resolve("www"));
        try (RandomAccessFile f = new RandomAccessFile(root.resolve("big.bin").toFile(), "rw")) {
            f.setLength(SIZE); // sparse: nothing written to the disk
        }
        server = pki.configure(DeployedServer.of("server-http", dir.resolve("server"))
                .listener("https").listener("http").flag("root", root.toString())).start();
    }

    @AfterAll
    void stop() {
        DeployedServer.stopAll(server);
    }

    /** curl against the https listener; its exit code is returned, not checked. */
    private Program.Result curl(String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("-sS", "--max-time", "60",
                "--cacert", pki.rootCa().toString(), "--resolve", "localhost:" + server.port("https") + ":127.0.0.1"));
        all.addAll(java.util.List.of(args));
        return curl.args(all).timeout(Duration.ofSeconds(90)).run();
    }

    private String url(String query) {
        return "https://localhost:" + server.port("https") + "/big.bin?" + query;
    }

    /** The size field of the log line for this query, waiting for it (the line follows the last write). */
    private long logged(String query, String protocol, String completion) throws InterruptedException {
        // the deployed jar prints the line as it is, from the start of its own line: no log prefix
        Pattern p = Pattern.compile("(?m)^127\\.0\\.0\\.1 - - \\[[^\\]]+\\] \"GET /big\\.bin\\?" + query
                + " HTTP/1\\.1\" 200 (\\d+) \"-\" \"curl/[^\"]*\" "
                + Pattern.quote(protocol) + " \\d+ms " + completion + "$");
        for (int i = 0; i < 500; i++) {
            Matcher m = p.matcher(server.log());
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no access-log line matching " + p + " in:\n" + server.tail());
    }

    @Test
    void curlGivingUpOnALargeDownloadOverTlsIsLoggedWithTheBytesWrittenAndAborted() throws Exception {
        Program.Result r = curl("--http1.1", "--max-filesize", "1000000", "-o", "/dev/null", url("h1-cut"));
        assertEquals(63, r.exitCode(), r::describe); // curl: "maximum file size exceeded", after the head
        long written = logged("h1-cut", "HTTP/1.1", "aborted");
        assertTrue(written < SIZE, "logged " + written);
    }

    @Test
    void curlGivingUpOnAnHttp2StreamIsLoggedWithTheBytesWrittenAndAborted() throws Exception {
        Program.Result r = curl("--http2", "--max-filesize", "1000000", "-o", "/dev/null", url("h2-cut"));
        assertEquals(63, r.exitCode(), r::describe);
        long written = logged("h2-cut", "HTTP/2.0", "aborted");
        assertTrue(written < SIZE, "logged " + written);
    }

    @Test
    void aWholeDownloadIsLoggedWithItsSizeAndComplete() throws Exception {
        Program.Result r = curl("--http2", "-o", "/dev/null", "-w", "%{size_download}", url("whole"));
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals(String.valueOf(SIZE), r.stdout());
        assertEquals(SIZE, logged("whole", "HTTP/2.0", "complete"));
    }
}
