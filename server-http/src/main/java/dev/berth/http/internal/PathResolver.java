package dev.berth.http.internal;

import dev.berth.http.StaticFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The disk work behind a static-file path, done on the blocking pool: confinement to the root (the
 * real path, with every symbolic link resolved, must stay under the root's real path unless links may
 * lead out), directories and their {@code index.html}, precompressed siblings, and the bytes of small
 * files. Takes the entry it replaces so that an unchanged file's bytes are not read again.
 */
final class PathResolver {
    private final Path realRoot;
    private final boolean followSymlinks;
    private final boolean listing;
    private final boolean precompressed;
    private final long maxInMemory;
    private final MediaTypes mediaTypes;

    PathResolver(StaticFiles config, Path realRoot, long maxInMemory, MediaTypes mediaTypes) {
        this.mediaTypes = mediaTypes;
        this.realRoot = realRoot;
        this.followSymlinks = config.followSymlinks();
        this.listing = config.listing();
        this.precompressed = config.precompressed();
        this.maxInMemory = maxInMemory;
    }

    /** Resolves the decoded segments of a path already checked for {@code ..}, separators and NUL. */
    ResolvedPath resolve(List<String> segments, boolean trailingSlash, ResolvedPath previous, long checkedAt)
            throws IOException {
        Path p = realRoot;
        for (String s : segments) {
            if (!s.isEmpty()) {
                p = p.resolve(s);
            }
        }
        p = p.normalize();
        Path real = confined(p);
        if (real == null) {
            return ResolvedPath.notFound(checkedAt);
        }
        if (Files.isDirectory(real)) {
            if (!trailingSlash) {
                return ResolvedPath.redirect(checkedAt);
            }
            Path index = p.resolve("index.html");
            Path realIndex = confined(index);
            if (realIndex != null && Files.isRegularFile(realIndex, LinkOption.NOFOLLOW_LINKS)
                    && Files.isReadable(realIndex)) {
                return file(index, realIndex, previous, checkedAt);
            }
            return listing ? ResolvedPath.listing(checkedAt, real) : ResolvedPath.notFound(checkedAt);
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) || !Files.isReadable(real)) {
            return ResolvedPath.notFound(checkedAt);
        }
        return file(p, real, previous, checkedAt);
    }

    /** The real path of {@code p} when it exists and stays under the root (or links may lead out); else null. */
    private Path confined(Path p) {
        if (!p.startsWith(realRoot)) {
            return null;
        }
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            return null; // missing, a dangling or looping link, or unreadable
        }
        return followSymlinks || real.startsWith(realRoot) ? real : null;
    }

    private ResolvedPath file(Path requested, Path real, ResolvedPath previous, long checkedAt) throws IOException {
        FileVersion file = version(real, "", previous == null ? null : previous.file);
        FileVersion br = null;
        FileVersion gz = null;
        if (precompressed) {
            br = sibling(requested, ".br", "-br", previous == null ? null : previous.brotli);
            gz = sibling(requested, ".gz", "-gz", previous == null ? null : previous.gzip);
        }
        String type = mediaTypes.forFileName(requested.getFileName().toString());
        ResolvedPath r = ResolvedPath.file(checkedAt, file, br, gz, type);
        if (previous != null && previous.file != null && previous.file.sameAs(file) && previous.gzipped() != null) {
            r.gzipped(previous.gzipped()); // the cache counts it again when it stores the new entry
        }
        return r;
    }

    private FileVersion sibling(Path requested, String extension, String etagSuffix, FileVersion previous)
            throws IOException {
        Path p = requested.resolveSibling(requested.getFileName() + extension);
        Path real = confined(p);
        if (real == null || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) || !Files.isReadable(real)) {
            return null;
        }
        return version(real, etagSuffix, previous);
    }

    /** The file's current version, with its bytes when small: those of {@code previous} when it is unchanged. */
    private FileVersion version(Path real, String etagSuffix, FileVersion previous) throws IOException {
        FileVersion now = FileVersion.of(real, etagSuffix);
        boolean small = now.size > 0 && now.size <= maxInMemory;
        if (previous != null && previous.sameAs(now) && (previous.content != null || !small)) {
            return previous;
        }
        return small ? now.withContent(etagSuffix) : now;
    }
}
