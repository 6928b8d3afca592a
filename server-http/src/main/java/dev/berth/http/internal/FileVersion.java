package dev.berth.http.internal;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One regular file as it was when looked at: its real path, what identifies this version of it
 * (device and inode, size, modification and change times), its validators, and, for a small file,
 * its bytes in a read-only direct buffer that every response shares.
 */
final class FileVersion {
    private static final long RACY_MILLIS = 2000;
    private static final AsciiString VARY_ACCEPT_ENCODING = AsciiString.cached("Accept-Encoding");
    /** Whether the {@code unix} attribute view (inode, ctime) is available; else the basic attributes are used. */
    private static volatile boolean unixView = true;

    final Path path;
    final long size;
    final long modifiedMillis;
    final String etag;
    final String lastModified;
    /** The bytes, or null when the file is above the in-memory limit (it is then sent from disk). */
    final ByteBuffer content;
    private final Object fileKey;
    private final long modifiedNanos;
    private final long changedNanos;
    /**
     * False while the file's times are within {@link #RACY_MILLIS} of when it was looked at: file times
     * tick coarsely (a jiffy), so a second write of the same size in the same tick would look unchanged.
     * Such a version is never taken as the same as a later look, which reads the bytes again.
     */
    private final boolean settled;
    /**
     * ETag, Last-Modified and Accept-Ranges (and Vary), checked once here: a response adds them with
     * one copy, where setting them one by one would check and hash every name and value per response.
     */
    private final HttpHeaders validators;
    private final HttpHeaders validatorsVary;
    /** The same for the file gzipped on the fly: its own ETag, and Vary. */
    private final HttpHeaders gzipValidators;

    private FileVersion(Path path, Object fileKey, long size, long modifiedNanos, long changedNanos, String etagSuffix,
                        ByteBuffer content) {
        this.path = path;
        this.fileKey = fileKey;
        this.size = size;
        this.modifiedNanos = modifiedNanos;
        this.changedNanos = changedNanos;
        this.modifiedMillis = TimeUnit.NANOSECONDS.toMillis(modifiedNanos);
        this.etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(modifiedMillis) + etagSuffix + "\"";
        this.lastModified = DateFormatter.format(new Date(modifiedMillis));
        this.content = content;
        this.validators = validators(etag, false);
        this.validatorsVary = validators(etag, true);
        this.gzipValidators = validators(etag.substring(0, etag.length() - 1) + "-gz\"", true);
        long newest = TimeUnit.NANOSECONDS.toMillis(Math.max(modifiedNanos, changedNanos));
        this.settled = System.currentTimeMillis() - newest > RACY_MILLIS;
    }

    private HttpHeaders validators(String tag, boolean vary) {
        HttpHeaders h = HeaderMaps.checked();
        h.set(HttpHeaderNames.ETAG, AsciiString.of(tag));
        h.set(HttpHeaderNames.LAST_MODIFIED, AsciiString.of(lastModified));
        h.set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        if (vary) {
            h.set(HttpHeaderNames.VARY, VARY_ACCEPT_ENCODING);
        }
        return h;
    }

    /** ETag, Last-Modified, Accept-Ranges and, when responses vary by Accept-Encoding, Vary; do not change them. */
    HttpHeaders validators(boolean vary) {
        return vary ? validatorsVary : validators;
    }

    /** The validators of this file gzipped on the fly (with Vary); do not change them. */
    HttpHeaders gzipValidators() {
        return gzipValidators;
    }

    /** The ETag of this file gzipped on the fly. */
    String gzipEtag() {
        return gzipValidators.get(HttpHeaderNames.ETAG);
    }

    /** Reads the attributes of {@code real} (a path with no symbolic link left in it), without its bytes. */
    static FileVersion of(Path real, String etagSuffix) throws IOException {
        if (unixView) {
            try {
                Map<String, Object> a = Files.readAttributes(real, "unix:dev,ino,size,lastModifiedTime,ctime",
                        LinkOption.NOFOLLOW_LINKS);
                return new FileVersion(real, a.get("dev") + ":" + a.get("ino"), (Long) a.get("size"),
                        nanos(a.get("lastModifiedTime")), nanos(a.get("ctime")), etagSuffix, null);
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                unixView = false;
            }
        }
        BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return new FileVersion(real, a.fileKey(), a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                a.creationTime().to(TimeUnit.NANOSECONDS), etagSuffix, null);
    }

    private static long nanos(Object fileTime) {
        return ((FileTime) fileTime).to(TimeUnit.NANOSECONDS);
    }

    /**
     * This version with its bytes read into memory, or this version unchanged when the file changed
     * while it was read (it is then sent from disk, and the next check sees the change).
     */
    FileVersion withContent(String etagSuffix) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect((int) size);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read until full or the end of the file
            }
            if (buf.hasRemaining() || ch.read(ByteBuffer.allocate(1)) >= 0) {
                return this; // shorter or longer than it was: changing as we read
            }
        }
        FileVersion after = of(path, etagSuffix);
        if (!sameState(after)) {
            return this;
        }
        buf.flip();
        return new FileVersion(path, fileKey, size, modifiedNanos, changedNanos, etagSuffix, buf.asReadOnlyBuffer());
    }

    /**
     * True when {@code other}, a later look, is the same file in the same state: same path, inode, size
     * and times, and this look was not so soon after a change that a second one could hide in its tick.
     */
    boolean sameAs(FileVersion other) {
        return settled && sameState(other);
    }

    /** True when the path still shows this file: the same inode, size and times (a stat, nothing built). */
    boolean unchangedOnDisk() throws IOException {
        if (unixView) {
            Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino,size,lastModifiedTime,ctime",
                    LinkOption.NOFOLLOW_LINKS);
            return fileKey.equals(a.get("dev") + ":" + a.get("ino")) && size == (Long) a.get("size")
                    && modifiedNanos == nanos(a.get("lastModifiedTime")) && changedNanos == nanos(a.get("ctime"));
        }
        return sameState(of(path, ""));
    }

    /** True when {@code other} shows the same path, inode, size and times, however soon after a change. */
    private boolean sameState(FileVersion other) {
        return other != null && path.equals(other.path) && Objects.equals(fileKey, other.fileKey) && size == other.size
                && modifiedNanos == other.modifiedNanos && changedNanos == other.changedNanos;
    }

    /** The bytes held in memory for this version. */
    long heldBytes() {
        return content == null ? 0 : content.capacity();
    }
}
