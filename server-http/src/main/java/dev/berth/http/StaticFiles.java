package dev.berth.http;

import dev.berth.core.BerthException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How static files are served: the root directory (none means the built-in welcome page), whether
 * directories without {@code index.html} are listed, whether symbolic links may lead outside the
 * root, whether compressible files are gzipped for clients that accept it, whether precompressed
 * siblings ({@code file.br}, {@code file.gz}) are served, and the open-file cache. Immutable.
 *
 * <p>The cache keeps, per request path, what it resolved to (the file under the root, its size,
 * validators and, for small files, their bytes), so that a request for a path seen within the
 * {@linkplain #cacheValidity() validity interval} is answered without touching the disk. An entry
 * older than the interval is checked again (path, symbolic links, size, times, inode) before it is
 * used: a file changed, replaced, deleted or swapped for a symbolic link is served as it was for at
 * most that long. A validity of zero checks on every request; a size of zero turns the cache off.
 */
public final class StaticFiles {
    /** The default bound on the cache's bytes (file contents plus an estimate per entry): 64 MiB. */
    public static final long DEFAULT_CACHE_SIZE = 64L * 1024 * 1024;
    /** The default bound on the number of cached paths. */
    public static final int DEFAULT_CACHE_ENTRIES = 10_000;
    /** The default time a cached entry is used before it is checked against the disk again. */
    public static final Duration DEFAULT_CACHE_VALIDITY = Duration.ofSeconds(1);

    /** The built-in welcome page, no root directory. */
    public static final StaticFiles WELCOME = new StaticFiles(null, false, false, true, true,
            DEFAULT_CACHE_SIZE, DEFAULT_CACHE_ENTRIES, DEFAULT_CACHE_VALIDITY);

    private final Path root;
    private final boolean listing;
    private final boolean followSymlinks;
    private final boolean gzip;
    private final boolean precompressed;
    private final long cacheSize;
    private final int cacheEntries;
    private final Duration cacheValidity;

    private StaticFiles(Path root, boolean listing, boolean followSymlinks, boolean gzip, boolean precompressed,
                        long cacheSize, int cacheEntries, Duration cacheValidity) {
        this.root = root;
        this.listing = listing;
        this.followSymlinks = followSymlinks;
        this.gzip = gzip;
        this.precompressed = precompressed;
        this.cacheSize = cacheSize;
        this.cacheEntries = cacheEntries;
        this.cacheValidity = cacheValidity;
    }

    /**
     * Files under {@code root}, which must be an existing directory; listing off, symlinks kept inside,
     * gzip and precompressed siblings on, a cache of 64 MiB and 10,000 paths checked again after 1 s.
     */
    public static StaticFiles from(Path root) {
        if (!Files.isDirectory(root)) {
            throw new BerthException("static files: root " + root + " is not a directory", "root");
        }
        return WELCOME.with(root.toAbsolutePath().normalize());
    }

    private StaticFiles with(Path newRoot) {
        return new StaticFiles(newRoot, listing, followSymlinks, gzip, precompressed, cacheSize, cacheEntries, cacheValidity);
    }

    public StaticFiles withListing(boolean on) {
        return new StaticFiles(root, on, followSymlinks, gzip, precompressed, cacheSize, cacheEntries, cacheValidity);
    }

    public StaticFiles withFollowSymlinks(boolean on) {
        return new StaticFiles(root, listing, on, gzip, precompressed, cacheSize, cacheEntries, cacheValidity);
    }

    public StaticFiles withGzip(boolean on) {
        return new StaticFiles(root, listing, followSymlinks, on, precompressed, cacheSize, cacheEntries, cacheValidity);
    }

    /** Whether {@code name.br} and {@code name.gz} beside a file are sent to clients that accept them (on by default). */
    public StaticFiles withPrecompressed(boolean on) {
        return new StaticFiles(root, listing, followSymlinks, gzip, on, cacheSize, cacheEntries, cacheValidity);
    }

    /** The cache's bound in bytes (contents of small files, gzipped copies, and an estimate per entry); 0 turns it off. */
    public StaticFiles withCacheSize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("the file cache size must not be negative, not " + bytes);
        }
        return new StaticFiles(root, listing, followSymlinks, gzip, precompressed, bytes, cacheEntries, cacheValidity);
    }

    /** The most paths the cache holds; 0 turns it off. */
    public StaticFiles withCacheEntries(int entries) {
        if (entries < 0) {
            throw new IllegalArgumentException("the file cache's entry count must not be negative, not " + entries);
        }
        return new StaticFiles(root, listing, followSymlinks, gzip, precompressed, cacheSize, entries, cacheValidity);
    }

    /** How long a cached entry is used before it is checked against the disk again; zero checks on every request. */
    public StaticFiles withCacheValidity(Duration validity) {
        Objects.requireNonNull(validity, "validity");
        if (validity.isNegative()) {
            throw new IllegalArgumentException("the file cache validity must not be negative, not " + validity);
        }
        return new StaticFiles(root, listing, followSymlinks, gzip, precompressed, cacheSize, cacheEntries, validity);
    }

    /** The absolute root directory; empty for the welcome page. */
    public Optional<Path> root() {
        return Optional.ofNullable(root);
    }

    public boolean listing() {
        return listing;
    }

    public boolean followSymlinks() {
        return followSymlinks;
    }

    public boolean gzip() {
        return gzip;
    }

    public boolean precompressed() {
        return precompressed;
    }

    public long cacheSize() {
        return cacheSize;
    }

    public int cacheEntries() {
        return cacheEntries;
    }

    public Duration cacheValidity() {
        return cacheValidity;
    }
}
