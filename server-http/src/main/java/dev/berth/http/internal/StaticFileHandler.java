package dev.berth.http.internal;

import dev.berth.http.HttpHandler;
import dev.berth.http.HttpRequest;
import dev.berth.http.HttpResponse;
import dev.berth.http.StaticFiles;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Serves files under a root directory (it touches the disk, so it runs on the worker pool): index.html
 * for directories, validators and conditional requests, one byte range, gzip for text-like files.
 * Nothing outside the root is served: {@code ..}, encoded separators, backslashes, NUL and absolute
 * segments are refused, and a symbolic link leading outside is not followed unless configured.
 */
public final class StaticFileHandler implements HttpHandler {
    private static final long GZIP_MAX = 4L * 1024 * 1024;
    private static final byte[] WELCOME = load("/dev/berth/http/welcome.html");

    private final StaticFiles config;
    private final Path realRoot;

    public StaticFileHandler(StaticFiles config) {
        this.config = config;
        try {
            this.realRoot = config.root().isPresent() ? config.root().get().toRealPath() : null;
        } catch (IOException e) {
            throw new dev.berth.core.BerthException("--root " + config.root().get() + " cannot be read: " + e.getMessage());
        }
    }

    @Override
    public HttpResponse handle(HttpRequest request) throws IOException {
        String method = request.method();
        if (!Syntax.isStandardMethod(method)) {
            return HttpResponse.error(501, "method " + method + " is not implemented");
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            HttpResponse r = method.equals("OPTIONS") ? HttpResponse.empty(204)
                    : HttpResponse.error(405, "Method Not Allowed");
            return r.header(HttpHeaderNames.ALLOW.toString(), "GET, HEAD, OPTIONS");
        }
        String raw = request.path();
        String lower = raw.toLowerCase(Locale.ROOT);
        if (raw.indexOf('\\') >= 0 || lower.contains("%5c") || lower.contains("%2f") || lower.contains("%00")) {
            return HttpResponse.error(400, "Bad Request: path separator or NUL in a path segment");
        }
        RequestTarget target = ((ServerRequest) request).target();
        List<String> segments = target.segments();
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
        Path p = realRoot;
        for (String s : segments) {
            if (!s.isEmpty()) {
                p = p.resolve(s);
            }
        }
        p = p.normalize();
        if (!p.startsWith(realRoot) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.exists(p)) {
            return notFound();
        }
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            return notFound();
        }
        if (!config.followSymlinks() && !real.startsWith(realRoot)) {
            return notFound();
        }
        if (Files.isDirectory(real)) {
            if (!raw.endsWith("/")) {
                String q = request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery();
                return HttpResponse.redirect(301, raw + "/" + q);
            }
            Path index = real.resolve("index.html");
            if (Files.isRegularFile(index)) {
                return file(request, index);
            }
            return config.listing() ? listing(raw, real) : notFound();
        }
        if (!Files.isRegularFile(real) || !Files.isReadable(real)) {
            return notFound();
        }
        return file(request, real);
    }

    private HttpResponse file(HttpRequest request, Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        long size = a.size();
        long modified = a.lastModifiedTime().toMillis();
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(modified) + "\"";
        String type = MediaTypes.forFileName(file.getFileName().toString());
        boolean compressible = MediaTypes.compressible(type);
        String range = request.header(HttpHeaderNames.RANGE.toString()).orElse(null);
        boolean gzip = config.gzip() && compressible && size > 0 && size <= GZIP_MAX && range == null
                && Conditionals.acceptsGzip(request.header(HttpHeaderNames.ACCEPT_ENCODING.toString()).orElse(null));
        String tag = gzip ? etag.substring(0, etag.length() - 1) + "-gz\"" : etag;
        String lastModified = DateFormatter.format(new Date(modified));
        if (Conditionals.notModified(request, tag, modified)) {
            return validators(HttpResponse.empty(304), tag, lastModified, compressible);
        }
        if (gzip) {
            HttpResponse r = HttpResponse.bytes(gzip(file), type)
                    .header(HttpHeaderNames.CONTENT_ENCODING.toString(), "gzip");
            return validators(r, tag, lastModified, true);
        }
        if (range != null && request.method().equals("GET") && Conditionals.ifRangeHolds(request, etag, modified)) {
            long[] span = Conditionals.byteRange(range, size);
            if (span == Conditionals.UNSATISFIABLE) {
                return validators(HttpResponse.error(416, "Range Not Satisfiable"), etag, lastModified, compressible)
                        .header(HttpHeaderNames.CONTENT_RANGE.toString(), "bytes */" + size);
            }
            if (span != null) {
                long length = span[1] - span[0] + 1;
                return validators(HttpResponse.file(file, span[0], length, type).status(206), etag, lastModified, compressible)
                        .header(HttpHeaderNames.CONTENT_RANGE.toString(), "bytes " + span[0] + "-" + span[1] + "/" + size);
            }
        }
        return validators(HttpResponse.file(file, 0, size, type), etag, lastModified, compressible);
    }

    private static HttpResponse validators(HttpResponse r, String etag, String lastModified, boolean vary) {
        r.header(HttpHeaderNames.ETAG.toString(), etag)
                .header(HttpHeaderNames.LAST_MODIFIED.toString(), lastModified)
                .header(HttpHeaderNames.ACCEPT_RANGES.toString(), "bytes");
        if (vary) {
            r.header(HttpHeaderNames.VARY.toString(), "Accept-Encoding");
        }
        return r;
    }

    private static byte[] gzip(Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            Files.copy(file, z);
        }
        return out.toByteArray();
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
