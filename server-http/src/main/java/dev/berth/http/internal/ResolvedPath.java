package dev.berth.http.internal;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * What one request path resolved to under the root when it was last checked: nothing, a directory to
 * redirect to or list, or a file with its precompressed siblings. Immutable except for the gzipped copy
 * of a small text file, made on first demand. Everything a cache hit needs to answer without the disk.
 */
final class ResolvedPath {
    /** What the path is. */
    enum Kind { NOT_FOUND, REDIRECT, LISTING, FILE }

    /** A rough cost of an entry beside its bytes (the key, this object, strings, the map's node). */
    private static final long OVERHEAD = 512;

    final Kind kind;
    /** {@link System#nanoTime()} before the check began: the entry shows the disk as it was at this time or later. */
    final long checkedAt;
    /** The directory to list, for {@link Kind#LISTING}. */
    final Path directory;
    /** The file, for {@link Kind#FILE}. */
    final FileVersion file;
    /** {@code file.br} and {@code file.gz} beside it, when present (and allowed); else null. */
    final FileVersion brotli;
    final FileVersion gzip;
    final String contentType;
    final boolean compressible;
    /** The file gzipped on the fly, kept when the file is small; null until first asked for. */
    private volatile ByteBuffer gzipped;

    private ResolvedPath(Kind kind, long checkedAt, Path directory, FileVersion file, FileVersion brotli,
                         FileVersion gzip, String contentType) {
        this.kind = kind;
        this.checkedAt = checkedAt;
        this.directory = directory;
        this.file = file;
        this.brotli = brotli;
        this.gzip = gzip;
        this.contentType = contentType;
        this.compressible = contentType != null && MediaTypes.compressible(contentType);
    }

    static ResolvedPath notFound(long checkedAt) {
        return new ResolvedPath(Kind.NOT_FOUND, checkedAt, null, null, null, null, null);
    }

    static ResolvedPath redirect(long checkedAt) {
        return new ResolvedPath(Kind.REDIRECT, checkedAt, null, null, null, null, null);
    }

    static ResolvedPath listing(long checkedAt, Path directory) {
        return new ResolvedPath(Kind.LISTING, checkedAt, directory, null, null, null, null);
    }

    static ResolvedPath file(long checkedAt, FileVersion file, FileVersion brotli, FileVersion gzip, String contentType) {
        return new ResolvedPath(Kind.FILE, checkedAt, null, file, brotli, gzip, contentType);
    }

    /** True when responses for this path depend on Accept-Encoding. */
    boolean varies() {
        return compressible || brotli != null || gzip != null;
    }

    ByteBuffer gzipped() {
        return gzipped;
    }

    void gzipped(ByteBuffer copy) {
        this.gzipped = copy;
    }

    /** Bytes this entry holds in memory, for the cache's bound. */
    long weight(String key) {
        long w = OVERHEAD + 2L * key.length();
        if (file != null) {
            w += file.heldBytes();
        }
        if (brotli != null) {
            w += brotli.heldBytes();
        }
        if (gzip != null) {
            w += gzip.heldBytes();
        }
        ByteBuffer g = gzipped;
        return g == null ? w : w + g.capacity();
    }
}
