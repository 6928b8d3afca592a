package dev.berth.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;

/**
 * Counts the body bytes of each multi-part response (a file or a stream) as their writes complete, so
 * that the access log and the meters report what reached the client's connection, not the declared
 * length. Sits between the chunked writer and the HTTP encoder, where each chunk is still one message
 * with its own promise; below it the encoder adds framing (chunk sizes, HTTP/2 frames) and TLS encrypts.
 *
 * <p>A body chunk counts once its write succeeded: handed to the socket (or, on TLS, its encrypted
 * records were). A sendfile region counts what the kernel took, {@link FileRegion#transferred()}, even
 * when the write failed half way. Full responses (head and body in one message) are not counted here:
 * their writer knows the length, and the write either completes or not.
 */
final class BodyCounter extends ChannelOutboundHandlerAdapter {

    /** Where one response's written body bytes are added. */
    interface Sink {
        void written(long bytes);

        /**
         * A sendfile region of this body is on its way ({@code region}) or its write ended (null, just before
         * {@link #written} counts it): meanwhile its {@link FileRegion#transferred()} says how far it got.
         */
        default void sending(FileRegion region) {
        }

        /** The writer sent a full error response instead of the one asked for (a file that would not open). */
        void replaced(int status, long bodyBytes);
    }

    /** Sinks of the multi-part responses whose heads are on their way down, in write order. */
    private final ArrayDeque<Sink> expected = new ArrayDeque<>(2);
    private Sink current;

    /**
     * Called just before a multi-part response's head is written: its body parts, which follow the head
     * in the same order through the chunked writer, count into {@code sink}.
     */
    void expect(Sink sink) {
        expected.add(sink);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse) {
            if (!(msg instanceof FullHttpResponse)) {
                current = expected.poll();
            }
        } else if (current != null) {
            promise = count(msg, promise, current);
            if (msg instanceof LastHttpContent) {
                current = null;
            }
        }
        ctx.write(msg, promise);
    }

    /** Adds a listener that counts the part's bytes once written; returns the promise to write with. */
    private static ChannelPromise count(Object msg, ChannelPromise promise, Sink sink) {
        if (msg instanceof FileRegion) {
            FileRegion region = (FileRegion) msg;
            ChannelPromise p = promise.unvoid();
            sink.sending(region);
            p.addListener(f -> {
                sink.sending(null);
                sink.written(region.transferred());
            });
            return p;
        }
        int n = msg instanceof HttpContent ? ((HttpContent) msg).content().readableBytes()
                : msg instanceof ByteBuf ? ((ByteBuf) msg).readableBytes() : 0;
        if (n == 0) {
            return promise;
        }
        ChannelPromise p = promise.unvoid();
        p.addListener(f -> {
            if (f.isSuccess()) {
                sink.written(n);
            }
        });
        return p;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        expected.clear();
        current = null;
    }
}
