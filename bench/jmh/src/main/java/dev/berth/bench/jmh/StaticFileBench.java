package dev.berth.bench.jmh;

import dev.berth.http.HttpResponse;
import dev.berth.http.StaticFiles;
import dev.berth.http.internal.RequestTarget;
import dev.berth.http.internal.ServerRequest;
import dev.berth.http.internal.StaticFileHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Static-file lookup against a temporary directory: {@link RequestTarget#parse} of a percent-encoded
 * target, and {@link StaticFileHandler#handle} (path checks, then the file cache's entry: within its
 * one-second validity no file system call decides 200 or 404) for a file, a missing file and an
 * encoded {@code ..} that must be refused before the disk is touched. Gzip is off so that a hit measures the lookup, not compression.
 * Uses server-http's internal classes (public there, not API), as a benchmark of them must.
 */
public class StaticFileBench extends MicroBench {
    private static final String ENCODED_TARGET = "/docs/user%20guide/intro%C3%A9.html?lang=en&x=1";
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

    private Path root;
    private StaticFileHandler handler;
    private ServerRequest hit;
    private ServerRequest missing;
    private ServerRequest traversal;

    @Setup
    public void setUp() throws IOException {
        root = Files.createTempDirectory("berth-jmh-static");
        write("index.html", "<!DOCTYPE html><title>home</title>");
        write("css/site.css", "body { margin: 0 auto; max-width: 40em; }\n".repeat(50));
        write("img/logo.png", "not really a png");
        write("docs/user guide/intro\u00e9.html", "<p>intro</p>");
        handler = new StaticFileHandler(StaticFiles.from(root).withGzip(false));
        hit = request("/css/site.css");
        missing = request("/css/missing.css");
        traversal = request("/css/%2e%2e/%2e%2e/%2e%2e/etc/passwd");

        Check.equal(List.of("docs", "user guide", "intro\u00e9.html"), parseTarget().segments(), "decoded segments");
        HttpResponse r = fileHit();
        Check.equal(200, r.status(), "status for /css/site.css");
        Check.equal(HttpResponse.BodyKind.BUFFER, r.bodyKind(), "body kind for /css/site.css (held by the file cache)");
        Check.equal(Files.size(root.resolve("css/site.css")), r.contentLength(), "length served for /css/site.css");
        Check.equal(404, fileMissing().status(), "status for /css/missing.css");
        Check.equal(400, traversalRefused().status(), "status for an encoded ../ traversal");
    }

    private void write(String name, String text) throws IOException {
        Path p = root.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    private static ServerRequest request(String target) {
        RequestTarget t = RequestTarget.parse(target);
        Check.that(t != null, "target parses: " + target);
        return new ServerRequest("GET", t, new DefaultHttpHeaders(), new byte[0], CLIENT, null, "HTTP/1.1");
    }

    @TearDown
    public void tearDown() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public RequestTarget parseTarget() {
        return RequestTarget.parse(ENCODED_TARGET);
    }

    @Benchmark
    public HttpResponse fileHit() throws IOException {
        return handler.handle(hit);
    }

    @Benchmark
    public HttpResponse fileMissing() throws IOException {
        return handler.handle(missing);
    }

    @Benchmark
    public HttpResponse traversalRefused() throws IOException {
        return handler.handle(traversal);
    }
}
