package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.http.HttpResponse;
import dev.berth.http.StaticFiles;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The static-file handler with its cache: what is answered on the calling thread, and what needs the pool. */
class StaticFileHandlerTest {
    @TempDir
    Path dir;
    private Path root;
    private final AtomicInteger handOffs = new AtomicInteger();
    private final Executor pool = task -> {
        handOffs.incrementAndGet();
        ForkJoinPool.commonPool().execute(task);
    };

    @BeforeEach
    void files() throws Exception {
        root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("a.txt"), "0123456789");
        Files.write(root.resolve("big.bin"), new byte[300 * 1024]);
        Files.writeString(root.resolve("app.js"), "let x = 1;\n".repeat(100));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("app.js.gz"), "TOP SECRET");
        Files.createSymbolicLink(root.resolve("app.js.gz"), outside.resolve("app.js.gz"));
    }

    private StaticFileHandler handler(Duration validity) {
        return new StaticFileHandler(StaticFiles.from(root).withCacheValidity(validity), pool);
    }

    @Test
    void aPathSeenWithinTheValidityIsAnsweredWithoutTheBlockingPool() {
        StaticFileHandler h = handler(Duration.ofHours(1));
        HttpResponse first = h.serve(get("/a.txt")).join();
        assertEquals(200, first.status());
        assertEquals(1, handOffs.get());
        CompletableFuture<HttpResponse> second = h.serve(get("/a.txt"));
        assertTrue(second.isDone(), "answered on the calling thread");
        assertEquals(1, handOffs.get());
        assertEquals(HttpResponse.BodyKind.BUFFER, second.join().bodyKind());
        assertEquals("0123456789", text(second.join().bodyBuffer()));
        assertTrue(h.serve(get("/missing.txt")).join().status() == 404);
        assertTrue(h.serve(get("/missing.txt")).isDone(), "a 404 is cached too");
    }

    @Test
    void aRequestLateInTheValidityIsAnsweredAtOnceAndChecksThePathAheadForTheRequestsAfterIt() throws Exception {
        Duration validity = Duration.ofSeconds(2);
        StaticFileHandler h = handler(validity);
        for (int attempt = 0; ; attempt++) {
            handOffs.set(0);
            long checked = System.nanoTime();
            h.serve(get("/a.txt")).join();
            Thread.sleep(validity.toMillis() * 8 / 10);
            CompletableFuture<HttpResponse> late = h.serve(get("/a.txt"));
            long age = System.nanoTime() - checked;
            if (age >= validity.toNanos() && attempt < 3) {
                Thread.sleep(validity.toMillis()); // this machine slept past the interval: start again
                continue;
            }
            assertTrue(late.isDone(), "answered from the entry, which is still within its validity");
            assertEquals("0123456789", text(late.join().bodyBuffer()));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (handOffs.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(2, handOffs.get(), "and the path was checked again on the pool");
            return;
        }
    }

    @Test
    void aValidityOfZeroChecksTheDiskForEveryRequest() {
        StaticFileHandler h = handler(Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, h.serve(get("/a.txt")).join().status());
        }
        assertEquals(3, handOffs.get());
    }

    @Test
    void rangesConditionalsAndHeadAreAnsweredFromTheCache() {
        StaticFileHandler h = handler(Duration.ofHours(1));
        HttpResponse full = h.serve(get("/a.txt")).join();
        HttpResponse part = h.serve(get("/a.txt", "Range", "bytes=2-5")).join();
        assertEquals(206, part.status());
        assertEquals("2345", text(part.bodyBuffer()));
        assertEquals("bytes 2-5/10", part.headers().get("Content-Range"));
        HttpResponse same = h.serve(get("/a.txt", "If-None-Match", full.headers().get("ETag"))).join();
        assertEquals(304, same.status());
        assertEquals(1, handOffs.get());
    }

    @Test
    void aFileAboveTheInMemoryLimitIsSentFromDisk() throws Exception {
        StaticFileHandler h = handler(Duration.ofHours(1));
        h.serve(get("/big.bin")).join().closeBody();
        CompletableFuture<HttpResponse> hit = h.serve(get("/big.bin"));
        assertTrue(hit.isDone(), "opened on the calling thread, as nginx does");
        HttpResponse r = hit.join();
        assertEquals(HttpResponse.BodyKind.FILE, r.bodyKind());
        assertEquals(300 * 1024, r.fileChannel().size());
        assertEquals(300 * 1024, r.contentLength());
        r.closeBody();
    }

    @Test
    void aLargeFileSwappedForASymlinkSinceItsCheckIsCheckedAgainNotOpenedThroughTheLink() throws Exception {
        StaticFileHandler h = handler(Duration.ofHours(1));
        h.serve(get("/big.bin")).join().closeBody();
        Path secret = dir.resolve("outside/secret.bin");
        Files.write(secret, new byte[300 * 1024]);
        Files.delete(root.resolve("big.bin"));
        Files.createSymbolicLink(root.resolve("big.bin"), secret);
        HttpResponse r = h.serve(get("/big.bin")).join();
        assertEquals(404, r.status(), "the link leads outside the root");
        assertEquals(2, handOffs.get(), "checked again on the pool");
    }

    @Test
    void aLargeFileWhoseDirectoryIsSwappedForASymlinkIsCheckedAgainNotOpenedThroughTheLink() throws Exception {
        Path sub = Files.createDirectories(root.resolve("sub"));
        Files.write(sub.resolve("big.bin"), new byte[300 * 1024]);
        Path elsewhere = Files.createDirectories(dir.resolve("outside/elsewhere"));
        Files.write(elsewhere.resolve("big.bin"), new byte[300 * 1024]); // the same name and size
        StaticFileHandler h = handler(Duration.ofHours(1));
        h.serve(get("/sub/big.bin")).join().closeBody();
        Files.move(sub, root.resolve("sub-gone"));
        Files.createSymbolicLink(root.resolve("sub"), elsewhere);
        HttpResponse r = h.serve(get("/sub/big.bin")).join();
        r.closeBody();
        assertEquals(404, r.status(), "the directory now leads outside the root");
        assertEquals(2, handOffs.get(), "checked again on the pool");
    }

    @Test
    void onTheFlyGzipOfASmallFileIsMadeOnceOnThePoolAndThenServedFromTheCache() {
        StaticFileHandler h = handler(Duration.ofHours(1));
        HttpResponse first = h.serve(get("/app.js", "Accept-Encoding", "gzip")).join();
        assertEquals("gzip", first.headers().get("Content-Encoding"));
        int before = handOffs.get();
        CompletableFuture<HttpResponse> second = h.serve(get("/app.js", "Accept-Encoding", "gzip"));
        assertTrue(second.isDone());
        assertEquals(before, handOffs.get());
        assertEquals(first.contentLength(), second.join().contentLength());
    }

    @Test
    void aPrecompressedSiblingLeadingOutsideTheRootIsIgnored() {
        HttpResponse r = handler(Duration.ofHours(1)).serve(get("/app.js", "Accept-Encoding", "gzip")).join();
        assertEquals("gzip", r.headers().get("Content-Encoding"), "gzipped on the fly instead");
        assertFalse(text(r.bodyBuffer()).contains("TOP SECRET"));
        HttpResponse plain = handler(Duration.ofHours(1)).serve(get("/app.js")).join();
        assertNull(plain.headers().get("Content-Encoding"));
        assertEquals("Accept-Encoding", plain.headers().get("Vary"));
    }

    private static String text(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static ServerRequest get(String target, String... headers) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        return new ServerRequest("GET", RequestTarget.parse(target), h, new byte[0],
                new InetSocketAddress("127.0.0.1", 40000), null, "HTTP/1.1");
    }
}
