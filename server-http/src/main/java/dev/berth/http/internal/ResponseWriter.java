package dev.berth.http.internal;

import dev.berth.http.HttpResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executor;

/**
 * Turns an {@link HttpResponse} into Netty HTTP objects on one connection or stream: a full response
 * for bytes and shared buffers, sendfile ({@link DefaultFileRegion}) for files on plaintext HTTP/1.1, chunked file reads
 * on TLS and HTTP/2, chunked encoding for streams (read on the blocking pool); HEAD and bodiless statuses get headers only.
 */
final class ResponseWriter {
    private static final int CHUNK = 16 * 1024;
    private static final AsciiString[] LENGTHS = new AsciiString[4096];

    /** How a response goes out on this connection. */
    static final class Mode {
        final boolean http2;
        final boolean sendfile;
        final boolean head;
        final boolean keepAlive;
        final HttpVersion requestVersion;
        /** Where stream bodies are read, so a slow {@link InputStream} never blocks the event loop. */
        final Executor blocking;
        /** Flush at once; false inside a read batch, whose end flushes every answer written during it. */
        final boolean flush;
        /** Counts a file's or a stream's body bytes as they are written (null: not counted). */
        final BodyCounter counter;
        /** Where those bytes go. */
        final BodyCounter.Sink sink;

        Mode(boolean http2, boolean sendfile, boolean head, boolean keepAlive, HttpVersion requestVersion,
             Executor blocking, boolean flush, BodyCounter counter, BodyCounter.Sink sink) {
            this.counter = counter;
            this.sink = sink;
            this.blocking = blocking;
            this.flush = flush;
            this.http2 = http2;
            this.sendfile = sendfile;
            this.head = head;
            this.keepAlive = keepAlive;
            this.requestVersion = requestVersion;
        }
    }

    private ResponseWriter() {
    }

    /** Writes the response, flushing it when the mode says so; the future completes when its last part is written. */
    static ChannelFuture write(ChannelHandlerContext ctx, HttpResponse r, Mode mode) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(r.status());
        // a copy, since a handler may answer with the same HttpResponse many times; HttpResponse's own
        // headers validated every name and value as it was set, and the ones added here are the server's
        HttpHeaders h = HeaderMaps.unchecked(8).add(r.headers());
        if (!h.contains(HttpHeaderNames.DATE)) {
            h.set(HttpHeaderNames.DATE, HttpDate.now());
        }
        if (!mode.http2) {
            if (!mode.keepAlive) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (mode.requestVersion == HttpVersion.HTTP_1_0) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        }
        int code = r.status();
        boolean bodiless = bodiless(code);
        if (bodiless) {
            h.remove(HttpHeaderNames.TRANSFER_ENCODING);
            if (code != 304) {
                h.remove(HttpHeaderNames.CONTENT_LENGTH);
            }
        }
        switch (r.bodyKind()) {
            case FILE:
                return writeFile(ctx, r, status, h, mode, bodiless);
            case STREAM:
                return writeStream(ctx, r, status, h, mode, bodiless);
            case BUFFER:
                // a shared read-only buffer: wrapped, never copied (a direct one goes to the socket or the TLS engine as is)
                if (!bodiless) {
                    h.set(HttpHeaderNames.CONTENT_LENGTH, contentLength((int) r.contentLength()));
                }
                return last(ctx, mode, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                        mode.head || bodiless ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.bodyBuffer()),
                        h, EmptyHttpHeaders.INSTANCE));
            default:
                if (!bodiless) {
                    h.set(HttpHeaderNames.CONTENT_LENGTH, contentLength(r.bodyBytes().length));
                }
                return last(ctx, mode, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                        mode.head || bodiless ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.bodyBytes()),
                        h, EmptyHttpHeaders.INSTANCE));
        }
    }

    /** True for statuses that never carry a body: 1xx, 204 and 304. */
    static boolean bodiless(int code) {
        return code < 200 || code == 204 || code == 304;
    }

    private static ChannelFuture writeFile(ChannelHandlerContext ctx, HttpResponse r, HttpResponseStatus status,
                                           HttpHeaders h, Mode mode, boolean bodiless) {
        long length = r.contentLength();
        if (!bodiless) {
            h.set(HttpHeaderNames.CONTENT_LENGTH, length);
        }
        if (mode.head || bodiless || length == 0) {
            r.closeBody();
            return headersOnly(ctx, status, h, mode);
        }
        FileChannel file = r.fileChannel();
        if (file == null) {
            try {
                file = FileChannel.open(r.file(), StandardOpenOption.READ);
            } catch (IOException e) {
                return writeError(ctx, "file " + r.file().getFileName() + " could not be opened", mode);
            }
        }
        expectBody(mode);
        if (mode.sendfile) {
            // head and body leave as full segments: the cork holds the head until sendfile adds to it
            boolean corked = Cork.hold(ctx.channel());
            ChannelFuture done = null;
            try {
                ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, h));
                ctx.write(new DefaultFileRegion(file, r.fileOffset(), length));
                done = last(ctx, mode, LastHttpContent.EMPTY_LAST_CONTENT);
            } finally {
                if (corked && done == null) {
                    Cork.release(ctx.channel()); // a write threw: nothing will complete to release it
                } else if (corked) {
                    done.addListener(f -> Cork.release(ctx.channel()));
                }
            }
            return done;
        }
        ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, h));
        try {
            return last(ctx, mode, new HttpChunkedInput(new ChunkedNioFile(file, r.fileOffset(), length, CHUNK)));
        } catch (IOException e) {
            closeQuietly(file);
            ctx.close();
            return ctx.newFailedFuture(e); // the head went out without its body: the exchange was cut short
        }
    }

    private static ChannelFuture writeStream(ChannelHandlerContext ctx, HttpResponse r, HttpResponseStatus status,
                                             HttpHeaders h, Mode mode, boolean bodiless) {
        InputStream in = r.bodyStream();
        if (mode.head || bodiless) {
            closeQuietly(in);
            return headersOnly(ctx, status, h, mode);
        }
        h.remove(HttpHeaderNames.CONTENT_LENGTH);
        expectBody(mode);
        if (mode.http2 || mode.requestVersion != HttpVersion.HTTP_1_0) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, h));
            return last(ctx, mode, new HttpChunkedInput(offLoop(ctx, in, mode)));
        }
        // HTTP/1.0 has no chunked coding: the body ends when the connection closes (the caller closes it).
        ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, h));
        ctx.write(offLoop(ctx, in, mode));
        return last(ctx, mode, LastHttpContent.EMPTY_LAST_CONTENT);
    }

    /** The next multi-part head written on this channel is this response's: its body parts count into its sink. */
    private static void expectBody(Mode mode) {
        if (mode.counter != null) {
            mode.counter.expect(mode.sink);
        }
    }

    private static OffLoopStream offLoop(ChannelHandlerContext ctx, InputStream in, Mode mode) {
        return new OffLoopStream(in, CHUNK, mode.blocking, () -> {
            ChunkedWriteHandler writer = ctx.pipeline().get(ChunkedWriteHandler.class);
            if (writer != null) {
                writer.resumeTransfer();
            }
        });
    }

    /** The Content-Length value as ASCII, the small ones made once and shared (AsciiString is immutable). */
    private static AsciiString contentLength(int length) {
        if (length >= LENGTHS.length) {
            return AsciiString.of(Integer.toString(length));
        }
        AsciiString v = LENGTHS[length];
        if (v == null) {
            v = AsciiString.of(Integer.toString(length));
            LENGTHS[length] = v; // a race only makes an equal copy
        }
        return v;
    }

    /** Writes a response's last part, and flushes unless the read batch's end will. */
    private static ChannelFuture last(ChannelHandlerContext ctx, Mode mode, Object part) {
        return mode.flush ? ctx.writeAndFlush(part) : ctx.write(part);
    }

    private static ChannelFuture headersOnly(ChannelHandlerContext ctx, HttpResponseStatus status, HttpHeaders h,
                                             Mode mode) {
        return last(ctx, mode, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER, h,
                EmptyHttpHeaders.INSTANCE));
    }

    private static ChannelFuture writeError(ChannelHandlerContext ctx, String message, Mode mode) {
        HttpResponse e = HttpResponse.error(500, message);
        HttpHeaders h = HeaderMaps.unchecked(8).add(e.headers());
        h.set(HttpHeaderNames.CONTENT_LENGTH, e.bodyBytes().length);
        mode.sink.replaced(500, e.bodyBytes().length);
        return last(ctx, mode, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                Unpooled.wrappedBuffer(e.bodyBytes()), h, EmptyHttpHeaders.INSTANCE));
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing more to do with a body that will not be sent
        }
    }
}
