package dev.berth.http;

import dev.berth.http.internal.HeaderMaps;
import dev.berth.http.internal.MediaTypes;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A response a handler returns: a status, headers, and a body that is bytes (an array or a shared
 * buffer), a stream or (part of) a file. The server adds {@code Content-Length} or chunked framing, {@code Date}, and for HEAD leaves
 * the body out.
 */
public final class HttpResponse {
    /** Where the body comes from. */
    public enum BodyKind { BYTES, BUFFER, STREAM, FILE }

    private static final byte[] NONE = new byte[0];

    private int status;
    private final HttpHeaders headers = HeaderMaps.checked();
    private final BodyKind kind;
    private final byte[] bytes;
    private final ByteBuffer buffer;
    private final InputStream stream;
    private final Path file;
    private final FileChannel channel;
    private final long fileOffset;
    private final long fileLength;

    private HttpResponse(int status, BodyKind kind, byte[] bytes, InputStream stream, Path file, long offset, long length) {
        this(status, kind, bytes, null, stream, file, null, offset, length);
    }

    private HttpResponse(int status, BodyKind kind, byte[] bytes, ByteBuffer buffer, InputStream stream, Path file,
                         FileChannel channel, long offset, long length) {
        this.kind = kind;
        this.bytes = bytes;
        this.buffer = buffer;
        this.stream = stream;
        this.file = file;
        this.channel = channel;
        this.fileOffset = offset;
        this.fileLength = length;
        status(status);
    }

    /** A response with this status and no body. */
    public static HttpResponse empty(int status) {
        return new HttpResponse(status, BodyKind.BYTES, NONE, null, null, 0, 0);
    }

    /** 200 with a UTF-8 {@code text/plain} body. */
    public static HttpResponse text(String body) {
        return ownBytes(body.getBytes(StandardCharsets.UTF_8), HeaderMaps.TEXT_UTF8);
    }

    /** 200 with a UTF-8 {@code text/html} body. */
    public static HttpResponse html(String body) {
        return ownBytes(body.getBytes(StandardCharsets.UTF_8), HeaderMaps.HTML_UTF8);
    }

    /** 200 with a UTF-8 {@code application/json} body the caller has already serialised. */
    public static HttpResponse json(String body) {
        return ownBytes(body.getBytes(StandardCharsets.UTF_8), HeaderMaps.JSON);
    }

    /** 200 with these bytes as the body. */
    public static HttpResponse bytes(byte[] body, String contentType) {
        return ownBytes(body.clone(), contentType);
    }

    /**
     * 200 with the buffer's remaining bytes as the body, shared rather than copied: the bytes must not
     * change afterwards (give a read-only buffer). A direct buffer goes to the socket, or to TLS, with
     * no copy to native memory, and one buffer may back many responses at once.
     */
    public static HttpResponse bytes(ByteBuffer body, String contentType) {
        ByteBuffer b = body.asReadOnlyBuffer();
        HttpResponse r = new HttpResponse(200, BodyKind.BUFFER, NONE, b, null, null, null, 0, b.remaining());
        return r.header(HttpHeaderNames.CONTENT_TYPE.toString(), contentType);
    }

    /** A response with a body array nobody else holds, so it needs no copy. */
    private static HttpResponse ownBytes(byte[] body, CharSequence contentType) {
        HttpResponse r = new HttpResponse(200, BodyKind.BYTES, body, null, null, 0, body.length);
        r.headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return r;
    }

    /**
     * 200 with a body read from the stream and sent chunked; the server closes the stream. Reads happen
     * on the event loop, so give a stream that does not block for long (in memory, or a local file).
     */
    public static HttpResponse stream(InputStream body, String contentType) {
        HttpResponse r = new HttpResponse(200, BodyKind.STREAM, NONE, Objects.requireNonNull(body, "body"), null, 0, -1);
        return r.header(HttpHeaderNames.CONTENT_TYPE.toString(), contentType);
    }

    /**
     * 200 with a whole file as the body; its content type comes from the file name's extension, looked up
     * in {@code /etc/mime.types} when present, else the built-in table.
     */
    public static HttpResponse file(Path file) {
        long size = file.toFile().length();
        return file(file, 0, size, MediaTypes.systemDefault().forFileName(file.getFileName() == null ? "" : file.getFileName().toString()));
    }

    /** 200 with {@code length} bytes of a file from {@code offset}; sent with sendfile where the connection allows. */
    public static HttpResponse file(Path file, long offset, long length, String contentType) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("file offset and length must not be negative");
        }
        HttpResponse r = new HttpResponse(200, BodyKind.FILE, NONE, null, Objects.requireNonNull(file, "file"), offset, length);
        return r.header(HttpHeaderNames.CONTENT_TYPE.toString(), contentType);
    }

    /**
     * 200 with {@code length} bytes from {@code offset} of a file already open, sent with sendfile where
     * the connection allows; the server closes the channel once the body is written, or when the
     * exchange ends without it. Answer with such a response once.
     */
    public static HttpResponse file(FileChannel channel, long offset, long length, String contentType) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("file offset and length must not be negative");
        }
        HttpResponse r = new HttpResponse(200, BodyKind.FILE, NONE, null, null, null,
                Objects.requireNonNull(channel, "channel"), offset, length);
        return r.header(HttpHeaderNames.CONTENT_TYPE.toString(), contentType);
    }

    /** A plain-text error page with this status, e.g. {@code error(404, "not found")}. */
    public static HttpResponse error(int status, String message) {
        return text(message + "\n").status(status);
    }

    /** A redirect (301, 302, 303, 307 or 308) to {@code location}. */
    public static HttpResponse redirect(int status, String location) {
        return empty(status).header(HttpHeaderNames.LOCATION.toString(), location);
    }

    /** Sets the status code. */
    public HttpResponse status(int code) {
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("HTTP status must be three digits, not " + code);
        }
        this.status = code;
        return this;
    }

    /** Sets a header, replacing any value it had. */
    public HttpResponse header(String name, Object value) {
        headers.set(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    /** The headers, to read or change. */
    public HttpHeaders headers() {
        return headers;
    }

    public BodyKind bodyKind() {
        return kind;
    }

    /** The body when {@link #bodyKind()} is {@code BYTES}; not a copy, do not change it. */
    public byte[] bodyBytes() {
        return bytes;
    }

    /** The body when {@link #bodyKind()} is {@code BUFFER}: a read-only view of its own, positioned at the first byte. */
    public ByteBuffer bodyBuffer() {
        return buffer == null ? null : buffer.duplicate();
    }

    /** The body when {@link #bodyKind()} is {@code STREAM}. */
    public InputStream bodyStream() {
        return stream;
    }

    /** The file when {@link #bodyKind()} is {@code FILE} and it was given by path; else null. */
    public Path file() {
        return file;
    }

    /** The open file when {@link #bodyKind()} is {@code FILE} and it was given open; else null. */
    public FileChannel fileChannel() {
        return channel;
    }

    /**
     * Closes what the body holds open (a stream, an open file), for a response that will not be
     * written; the server calls it when an exchange ends before its answer is sent.
     */
    public void closeBody() {
        try {
            if (stream != null) {
                stream.close();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // nothing more to do with a body that will not be sent
        }
    }

    public long fileOffset() {
        return fileOffset;
    }

    /** The body's length in bytes, or -1 for a stream. */
    public long contentLength() {
        return kind == BodyKind.BYTES ? bytes.length : kind == BodyKind.BUFFER ? buffer.remaining()
                : kind == BodyKind.FILE ? fileLength : -1;
    }
}
