package dev.berth.http;

import dev.berth.core.BerthException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How static files are served: the root directory (none means the built-in welcome page), whether
 * directories without {@code index.html} are listed, whether symbolic links may lead outside the
 * root, and whether compressible files are gzipped for clients that accept it. Immutable.
 */
public final class StaticFiles {
    /** The built-in welcome page, no root directory. */
    public static final StaticFiles WELCOME = new StaticFiles(null, false, false, true);

    private final Path root;
    private final boolean listing;
    private final boolean followSymlinks;
    private final boolean gzip;

    private StaticFiles(Path root, boolean listing, boolean followSymlinks, boolean gzip) {
        this.root = root;
        this.listing = listing;
        this.followSymlinks = followSymlinks;
        this.gzip = gzip;
    }

    /** Files under {@code root}, which must be an existing directory; listing off, symlinks kept inside, gzip on. */
    public static StaticFiles from(Path root) {
        if (!Files.isDirectory(root)) {
            throw new BerthException("static files: root " + root + " is not a directory", "root");
        }
        return new StaticFiles(root.toAbsolutePath().normalize(), false, false, true);
    }

    public StaticFiles withListing(boolean on) {
        return new StaticFiles(root, on, followSymlinks, gzip);
    }

    public StaticFiles withFollowSymlinks(boolean on) {
        return new StaticFiles(root, listing, on, gzip);
    }

    public StaticFiles withGzip(boolean on) {
        return new StaticFiles(root, listing, followSymlinks, on);
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
}
