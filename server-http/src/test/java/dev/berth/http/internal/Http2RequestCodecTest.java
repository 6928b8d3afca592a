package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One HTTP/2 request stream's frames through {@link Http2RequestCodec} on an {@link EmbeddedChannel}: a request
 * without a body gets no body timeout, one with a body gets exactly one, placed before its head reaches the
 * handlers after it; a header block without a required pseudo-header is a stream error.
 */
class Http2RequestCodecTest {
    private static final Http2FrameStream STREAM = new Http2FrameStream() {
        @Override
        public int id() {
            return 3;
        }

        @Override
        public Http2Stream.State state() {
            return Http2Stream.State.OPEN;
        }
    };

    private static Http2Headers get(String method, String path) {
        return new DefaultHttp2Headers().method(method).scheme("https").authority("x").path(path);
    }

    private static long timeouts(EmbeddedChannel channel) {
        int n = 0;
        for (Map.Entry<String, ChannelHandler> e : channel.pipeline()) {
            if (e.getValue() instanceof Http2BodyTimeout) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aRequestWithoutABodyGetsNoBodyTimeout() {
        EmbeddedChannel channel = new EmbeddedChannel(new Http2RequestCodec(Duration.ofSeconds(5)));
        channel.writeInbound(new DefaultHttp2HeadersFrame(get("GET", "/a"), true).stream(STREAM));
        Object request = channel.readInbound();
        assertTrue(request instanceof FullHttpRequest, String.valueOf(request));
        assertEquals(0, timeouts(channel));
        ReferenceCountUtil.release(request);
        channel.finishAndReleaseAll();
    }

    @Test
    void aRequestWithABodyGetsOneBodyTimeoutAheadOfItsHead() {
        EmbeddedChannel channel = new EmbeddedChannel(new Http2RequestCodec(Duration.ofSeconds(5)));
        channel.writeInbound(new DefaultHttp2HeadersFrame(get("POST", "/upload"), false).stream(STREAM));
        assertEquals(1, timeouts(channel));
        // the timeout sits between the codec and the rest, so it saw the head go by
        assertEquals(Http2BodyTimeout.class, channel.pipeline().last().getClass());
        Object head = channel.readInbound();
        assertTrue(head instanceof HttpRequest && !(head instanceof FullHttpRequest), String.valueOf(head));
        channel.writeInbound(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[10]), false).stream(STREAM));
        channel.writeInbound(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[10]), true).stream(STREAM));
        assertEquals(1, timeouts(channel), "one timeout for the request, not one per frame");
        HttpContent part = channel.readInbound();
        part.release();
        Object last = channel.readInbound();
        assertTrue(last instanceof LastHttpContent, String.valueOf(last));
        ReferenceCountUtil.release(last);
        channel.finishAndReleaseAll();
    }

    @Test
    void aHeaderBlockWithoutAPathIsAStreamError() {
        EmbeddedChannel channel = new EmbeddedChannel(new Http2RequestCodec(Duration.ofSeconds(5)));
        Http2Headers noPath = new DefaultHttp2Headers().method("GET").scheme("https").authority("x");
        Http2Exception e = assertThrows(Http2Exception.class,
                () -> channel.writeInbound(new DefaultHttp2HeadersFrame(noPath, true).stream(STREAM)));
        assertTrue(e.getMessage().contains(":path"), e.getMessage());
        assertEquals(0, timeouts(channel));
        channel.finishAndReleaseAll();
    }
}
