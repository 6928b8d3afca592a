package dev.berth.http.internal;

import dev.berth.core.BerthException;
import dev.berth.http.HttpHandler;
import dev.berth.http.HttpRequest;
import dev.berth.http.HttpResponse;
import dev.berth.http.StaticFiles;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves files under a root directory: index.html for directories, validators and conditional
 * requests, one byte range, precompressed {@code .br}/{@code .gz} siblings, gzip for text-like files.
 * Nothing outside the root is served: {@code ..}, encoded separators, backslashes, NUL and absolute
 * segments are refused, and a symbolic link leading outside is not followed unless configured.
 *
 * <p>{@link #serve} answers on the calling thread (the event loop) when the {@link FileCache} holds a
 * fresh entry for the path, so that a hit costs no disk access and no hand-off; a miss, a stale entry,
 * a listing and a gzip not yet cached run on the blocking pool, since the disk may be slow.
 */
public final class StaticFileHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(StaticFileHandler.class);
    private static final long GZIP_MAX = 4L * 1024 * 1024;
    /** Files up to this size are kept in memory (within the cache's bound); larger ones are sent from disk. */
    private static final long MAX_IN_MEMORY = 256 * 1024;
    private static final byte[] WELCOME = load("/dev/berth/http/welcome.html");

    /** The file behind an entry is no longer what was checked: check the path again. */
    private static final class Stale extends IOException {
        static final Stale INSTANCE = new Stale();

        private Stale() {
            super("stale", null);
            setStackTrace(new StackTraceElement[0]);
        }
    }

    private final StaticFiles config;
    private final Path realRoot;
    private final Executor blocking;
    private final FileCache cache;
    private final PathResolver resolver;
    private final long maxInMemory;

    /** A handler whose disk work runs on the common pool (tests, benchmarks). */
    public StaticFileHandler(StaticFiles config) {
        this(config, ForkJoinPool.commonPool());
    }

    /** A handler whose disk work runs on {@code blocking}, the server's pool for blocking work. */
    public StaticFileHandler(StaticFiles config, Executor blocking) {
        this(config, blocking, MediaTypes.systemDefault());
    }

    /** A handler whose disk work runs on {@code blocking}, with content types from {@code mediaTypes}. */
    public StaticFileHandler(StaticFiles config, Executor blocking, MediaTypes mediaTypes) {
        this.config = config;
        this.blocking = blocking;
        try {
            this.realRoot = config.root().isPresent() ? config.root().get().toRealPath() : null;
        } catch (IOException e) {
            throw new BerthException("--root " + config.root().get() + " cannot be read: " + e.getMessage());
        }
        // a file held in memory takes at most a sixteenth of the cache, so one file never fills it
        this.maxInMemory = Math.min(MAX_IN_MEMORY, config.cacheSize() / 16);
        this.cache = new FileCache(config.cacheSize(), config.cacheEntries(), config.cacheValidity().toNanos());
        this.resolver = realRoot == null ? null : new PathResolver(config, realRoot, maxInMemory, mediaTypes);
    }

    /**
     * Answers without blocking: at once from a fresh cache entry, else once the blocking pool has
     * checked the path. Call it on the event loop.
     */
    public CompletableFuture<HttpResponse> serve(HttpRequest request) {
        HttpResponse early = refuseMethod(request);
        // an entry is made only for a path that passed refusePath, whose verdict depends on the path alone
        ResolvedPath fresh = early != null || realRoot == null ? null : cache.fresh(request.path());
        if (early == null && fresh == null) {
            early = refusePath(request);
        }
        if (early != null) {
            return CompletableFuture.completedFuture(early);
        }
        if (fresh == null) {
            return check(request, false, 1);
        }
        if (cache.refreshDue(fresh)) {
            // ahead of time; not waited for
            CompletableFuture<ResolvedPath> ahead = cache.checkAhead(request.path(), fresh, diskCheck(request), blocking);
            if (ahead != null && log.isDebugEnabled()) {
                ahead.whenComplete((entry, e) -> {
                    if (e != null) {
                        log.debug("checking {} ahead of its cache entry's expiry failed: {}", request.path(), e.toString());
                    }
                });
            }
        }
        return answerWithoutDisk(request, fresh, 1);
    }

    /** Checks the path on the pool (a new check when {@code force}), then answers from what it found. */
    private CompletableFuture<HttpResponse> check(HttpRequest request, boolean force, int retries) {
        return cache.check(request.path(), diskCheck(request), blocking, force)
                .thenCompose(entry -> answerWithoutDisk(request, entry, retries));
    }

    /** The disk work that resolves {@code request}'s path, for the cache to run on the pool. */
    private FileCache.Check diskCheck(HttpRequest request) {
        List<String> segments = ((ServerRequest) request).target().segments();
        boolean slash = request.path().endsWith("/");
        return (previous, at) -> resolver.resolve(segments, slash, previous, at);
    }

    /** Answers on the calling thread when the entry allows, else on the pool; a stale entry is checked again. */
    private CompletableFuture<HttpResponse> answerWithoutDisk(HttpRequest request, ResolvedPath entry, int retries) {
        try {
            HttpResponse r = answer(request, entry, false);
            if (r != null) {
                return CompletableFuture.completedFuture(r);
            }
        } catch (Stale e) {
            return retries > 0 ? check(request, true, retries - 1) : CompletableFuture.completedFuture(notFound());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e); // not reached: nothing touches the disk here
        }
        CompletableFuture<HttpResponse> f = new CompletableFuture<>();
        try {
            blocking.execute(() -> {
                try {
                    f.complete(answer(request, entry, true));
                } catch (Stale e) {
                    f.complete(notFound());
                } catch (Exception | Error e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Answers on the calling thread, which may block (the disk work included). */
    @Override
    public HttpResponse handle(HttpRequest request) throws IOException {
        HttpResponse early = refuse(request);
        if (early != null) {
            return early;
        }
        String key = request.path();
        List<String> segments = ((ServerRequest) request).target().segments();
        boolean slash = key.endsWith("/");
        ResolvedPath entry = cache.fresh(key);
        for (int attempt = 0; ; attempt++) {
            if (entry == null) {
                entry = cache.check(key, (previous, at) -> resolver.resolve(segments, slash, previous, at), Runnable::run,
                        attempt > 0).join();
            }
            try {
                return answer(request, entry, true);
            } catch (Stale e) {
                if (attempt > 0) {
                    return notFound();
                }
                entry = null;
            }
        }
    }

    /** The answer that needs no lookup: methods, paths that leave or hide the root, the welcome page; else null. */
    private HttpResponse refuse(HttpRequest request) {
        HttpResponse r = refuseMethod(request);
        return r != null ? r : refusePath(request);
    }

    /** The answer to a method other than GET and HEAD; else null. */
    private static HttpResponse refuseMethod(HttpRequest request) {
        String method = request.method();
        if (!Syntax.isStandardMethod(method)) {
            return HttpResponse.error(501, "method " + method + " is not implemented");
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            HttpResponse r = method.equals("OPTIONS") ? HttpResponse.empty(204)
                    : HttpResponse.error(405, "Method Not Allowed");
            return r.header(HttpHeaderNames.ALLOW.toString(), "GET, HEAD, OPTIONS");
        }
        return null;
    }

    /** The answer to a path that leaves or hides the root, or to any path without a root (the welcome page); else null. */
    private HttpResponse refusePath(HttpRequest request) {
        String raw = request.path();
        if (raw.indexOf('\\') >= 0 || raw.indexOf('%') >= 0 && hidesSeparator(raw)) {
            return HttpResponse.error(400, "Bad Request: path separator or NUL in a path segment");
        }
        List<String> segments = ((ServerRequest) request).target().segments();
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            if (s.equals("..") || s.equals(".") || s.isEmpty() && i < segments.size() - 1
                    || s.indexOf(':') >= 0 || Path.of(s).isAbsolute()) {
                return HttpResponse.error(400, "Bad Request: path leaves or hides the root");
            }
        }
        if (realRoot == null) {
            return welcome(raw);
        }
        return null;
    }

    private static boolean hidesSeparator(String raw) {
        String lower = raw.toLowerCase(Locale.ROOT);
        return lower.contains("%5c") || lower.contains("%2f") || lower.contains("%00");
    }

    /** The answer from an entry; null when it needs the disk and {@code mayBlock} is false. */
    private HttpResponse answer(HttpRequest request, ResolvedPath entry, boolean mayBlock) throws IOException {
        switch (entry.kind) {
            case REDIRECT:
                String q = request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery();
                return HttpResponse.redirect(301, request.path() + "/" + q);
            case LISTING:
                return mayBlock ? listing(request.path(), entry.directory) : null;
            case FILE:
                return file(request, entry, mayBlock);
            default:
                return notFound();
        }
    }

    private HttpResponse file(HttpRequest request, ResolvedPath entry, boolean mayBlock) throws IOException {
        FileVersion file = entry.file;
        String type = entry.contentType;
        String range = request.headers().get(HttpHeaderNames.RANGE);
        String accept = range == null ? request.headers().get(HttpHeaderNames.ACCEPT_ENCODING) : null;
        if (accept != null) {
            FileVersion sibling = null;
            String coding = null;
            if (entry.brotli != null && Conditionals.accepts(accept, "br")) {
                sibling = entry.brotli;
                coding = "br";
            } else if (entry.gzip != null && Conditionals.accepts(accept, "gzip")) {
                sibling = entry.gzip;
                coding = "gzip";
            }
            if (sibling != null) {
                if (Conditionals.notModified(request, sibling.etag, sibling.modifiedMillis)) {
                    return validators(HttpResponse.empty(304), sibling.validators(true));
                }
                HttpResponse r = openBody(sibling, 0, sibling.size, type)
                        .header(HttpHeaderNames.CONTENT_ENCODING.toString(), coding);
                return validators(r, sibling.validators(true));
            }
            if (config.gzip() && entry.compressible && file.size > 0 && file.size <= GZIP_MAX
                    && Conditionals.accepts(accept, "gzip")) {
                if (Conditionals.notModified(request, file.gzipEtag(), file.modifiedMillis)) {
                    return validators(HttpResponse.empty(304), file.gzipValidators());
                }
                ByteBuffer gz = entry.gzipped();
                if (gz == null) {
                    if (!mayBlock) {
                        return null;
                    }
                    gz = gzip(file);
                    if (file.content != null) {
                        cache.attachGzipped(request.path(), entry, gz);
                    }
                }
                HttpResponse r = HttpResponse.bytes(gz, type).header(HttpHeaderNames.CONTENT_ENCODING.toString(), "gzip");
                return validators(r, file.gzipValidators());
            }
        }
        boolean vary = entry.varies();
        if (Conditionals.notModified(request, file.etag, file.modifiedMillis)) {
            return validators(HttpResponse.empty(304), file.validators(vary));
        }
        if (range != null && request.method().equals("GET") && Conditionals.ifRangeHolds(request, file.etag, file.modifiedMillis)) {
            long[] span = Conditionals.byteRange(range, file.size);
            if (span == Conditionals.UNSATISFIABLE) {
                return validators(HttpResponse.error(416, "Range Not Satisfiable"), file.validators(vary))
                        .header(HttpHeaderNames.CONTENT_RANGE.toString(), "bytes */" + file.size);
            }
            if (span != null) {
                long length = span[1] - span[0] + 1;
                return validators(openBody(file, span[0], length, type).status(206), file.validators(vary))
                        .header(HttpHeaderNames.CONTENT_RANGE.toString(), "bytes " + span[0] + "-" + span[1] + "/" + file.size);
            }
        }
        return validators(openBody(file, 0, file.size, type), file.validators(vary));
    }

    private static HttpResponse openBody(FileVersion v, long offset, long length, String type) throws Stale {
        HttpResponse r = body(v, offset, length, type);
        if (r == null) {
            throw Stale.INSTANCE;
        }
        return r;
    }

    /**
     * Bytes of a file: from memory when it is held there, else from the file opened here, and only
     * while the path still shows the file that was checked; null when it does not (the entry is
     * stale: the caller checks the path again).
     */
    private static HttpResponse body(FileVersion v, long offset, long length, String type) {
        if (v.content == null) {
            // An open and a stat of a looked-up path cost the event loop what nginx pays for its open. The
            // file swapped for a symbolic link fails the open (ELOOP); a directory on the way swapped for one
            // shows after the open as another inode (or the attacker must swap it back within microseconds,
            // the race every check-then-open has): either way the entry is checked again, never followed out.
            FileChannel ch;
            try {
                ch = FileChannel.open(v.path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                return null;
            }
            try {
                if (ch.size() == v.size && v.unchangedOnDisk()) {
                    return HttpResponse.file(ch, offset, length, type);
                }
            } catch (IOException e) {
                // treated as changed
            }
            closeQuietly(ch);
            return null;
        }
        ByteBuffer b = v.content.duplicate();
        b.position((int) offset).limit((int) (offset + length));
        return HttpResponse.bytes(b, type);
    }

    private static HttpResponse validators(HttpResponse r, HttpHeaders validators) {
        r.headers().add(validators);
        return r;
    }

    private static ByteBuffer gzip(FileVersion file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            if (file.content != null) {
                Channels.newChannel(z).write(file.content.duplicate());
            } else {
                Files.copy(file.path, z);
            }
        }
        byte[] bytes = out.toByteArray();
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes);
        return direct.flip().asReadOnlyBuffer();
    }

    private HttpResponse listing(String rawPath, Path dir) throws IOException {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of ")
                .append(Html.escape(rawPath)).append("</title></head><body><h1>Index of ")
                .append(Html.escape(rawPath)).append("</h1><ul>\n<li><a href=\"../\">../</a></li>\n");
        try (Stream<Path> entries = Files.list(dir)) {
            entries.sorted().forEach(e -> {
                String name = e.getFileName().toString() + (Files.isDirectory(e) ? "/" : "");
                html.append("<li><a href=\"").append(Html.escape(Html.encodePathSegment(name)))
                        .append("\">").append(Html.escape(name)).append("</a></li>\n");
            });
        }
        return HttpResponse.html(html.append("</ul></body></html>\n").toString());
    }

    private static HttpResponse welcome(String rawPath) {
        if (rawPath.equals("/") || rawPath.equals("/index.html")) {
            return HttpResponse.bytes(WELCOME, "text/html; charset=utf-8");
        }
        return notFound();
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // a read-only channel that was never used
        }
    }

    private static HttpResponse notFound() {
        return HttpResponse.error(404, "Not Found");
    }

    private static byte[] load(String resource) {
        try (InputStream in = StaticFileHandler.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
