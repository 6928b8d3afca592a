package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.http.HttpResponse;
import dev.berth.http.StaticFiles;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The static-file path on arbitrary request targets (as the request decoder lets them through): parsing, the
 * handler's checks on segments, and the resolver on a root holding files, a directory, and symbolic links
 * that lead out of it to a file and a directory, beside a sibling directory whose name starts like the
 * root's. Property: whatever resolves to a file or a listing has a real path inside the root, and no
 * answer carries the bytes of a file outside it.
 *
 * <p>Input: the request target's bytes (ISO-8859-1).
 */
class StaticPathFuzzTest {
    private static final String SECRET = "TOP SECRET outside the root";
    private static final Path REAL_ROOT;
    private static final StaticFileHandler HANDLER;
    private static final PathResolver RESOLVER;
    private static final Set<Integer> STATUSES = Set.of(200, 301, 304, 400, 404, 405, 416);

    static {
        try {
            Path dir = Files.createTempDirectory("static-fuzz").toRealPath();
            Path root = Files.createDirectories(dir.resolve("root"));
            Files.writeString(root.resolve("a.txt"), "inside a");
            Files.writeString(root.resolve("app.js"), "let inside = 1;\n");
            Files.createDirectories(root.resolve("sub/deeper"));
            Files.writeString(root.resolve("sub/b.html"), "<p>inside b</p>");
            Files.writeString(root.resolve("sub/deeper/c.txt"), "inside c");
            Path outside = Files.createDirectories(dir.resolve("outside"));
            Files.writeString(outside.resolve("secret.txt"), SECRET);
            Files.writeString(outside.resolve("index.html"), SECRET);
            Files.writeString(dir.resolve("secret.txt"), SECRET);
            Path sibling = Files.createDirectories(dir.resolve("root-sibling")); // starts with "root" as a string
            Files.writeString(sibling.resolve("secret.txt"), SECRET);
            Files.createSymbolicLink(root.resolve("link-to-secret.txt"), outside.resolve("secret.txt"));
            Files.createSymbolicLink(root.resolve("link-to-outside"), outside);
            Files.createSymbolicLink(root.resolve("sub/up.txt"), Path.of("../../secret.txt"));
            Files.createSymbolicLink(root.resolve("app.js.gz"), outside.resolve("secret.txt"));
            Files.createSymbolicLink(root.resolve("link-in.txt"), root.resolve("a.txt"));
            REAL_ROOT = root.toRealPath();
            StaticFiles config = StaticFiles.from(root).withListing(true).withPrecompressed(true)
                    .withCacheValidity(Duration.ZERO);
            HANDLER = new StaticFileHandler(config, Runnable::run);
            RESOLVER = new PathResolver(config, REAL_ROOT, 1024 * 1024, MediaTypes.builtIn());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void nothingOutsideTheRootIsResolvedOrServed(byte[] input) throws IOException {
        String target = new String(input, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '#') {
                return; // the request decoder refuses these before any handler sees the target
            }
        }
        RequestTarget parsed = RequestTarget.parse(target);
        if (parsed == null) {
            return; // refused with 400 by the exchange
        }
        // the resolver alone, without the handler's checks, must still keep to the root
        ResolvedPath r = RESOLVER.resolve(parsed.segments(), parsed.rawPath().endsWith("/"), null, 0);
        if (r.kind == ResolvedPath.Kind.FILE) {
            inside(r.file.path);
            if (r.brotli != null) {
                inside(r.brotli.path);
            }
            if (r.gzip != null) {
                inside(r.gzip.path);
            }
        } else if (r.kind == ResolvedPath.Kind.LISTING) {
            inside(r.directory.toRealPath());
        }

        HttpResponse response = HANDLER.handle(new ServerRequest("GET", parsed, new DefaultHttpHeaders()
                .add("Accept-Encoding", "gzip, br"), new byte[0], new InetSocketAddress("127.0.0.1", 40000), null,
                "HTTP/1.1"));
        try {
            assertTrue(STATUSES.contains(response.status()), "unexpected status " + response.status());
            assertFalse(body(response).contains(SECRET), "a file outside the root was served for " + target);
        } finally {
            response.closeBody();
        }
    }

    private static void inside(Path path) throws IOException {
        Path real = path.toRealPath();
        assertTrue(real.startsWith(REAL_ROOT), real + " is outside the root " + REAL_ROOT);
    }

    private static String body(HttpResponse response) throws IOException {
        switch (response.bodyKind()) {
            case BYTES:
                return new String(response.bodyBytes(), StandardCharsets.ISO_8859_1);
            case BUFFER: {
                ByteBuffer b = response.bodyBuffer().duplicate();
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                return new String(bytes, StandardCharsets.ISO_8859_1);
            }
            case STREAM:
                try (InputStream in = response.bodyStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                }
            case FILE: {
                if (response.file() != null) {
                    inside(response.file());
                    return Files.readString(response.file(), StandardCharsets.ISO_8859_1);
                }
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(response.contentLength(), 1 << 20));
                response.fileChannel().read(b, response.fileOffset());
                return new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1);
            }
            default:
                assertEquals(null, response.bodyKind());
                return "";
        }
    }
}
