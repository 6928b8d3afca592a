package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Berth's response encoder writes exactly the bytes Netty's writes, whatever the header block holds. */
class ResponseEncoderTest {

    private static FullHttpResponse response(Supplier<String> body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(body.get(), StandardCharsets.US_ASCII), HeaderMaps.unchecked(8),
                HeaderMaps.unchecked(0));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HeaderMaps.HTML_UTF8)
                .set(HttpHeaderNames.ETAG, "\"400-1a23b2970ff\"")
                .set(HttpHeaderNames.LAST_MODIFIED, "Thu, 03 Dec 2026 09:08:21 GMT")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.get().length());
        return r;
    }

    private static String encode(ChannelOutboundHandler encoder, FullHttpResponse r) {
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        assertTrue(ch.writeOutbound(r));
        return written(ch);
    }

    /** Everything {@code ch} wrote, as ISO-8859-1 text (a byte per character); the channel is finished after. */
    private static String written(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        ch.finishAndReleaseAll();
        return out.toString();
    }

    /** Encodes the same response with both encoders, asserts the bytes are equal, and returns them. */
    private static String same(Supplier<FullHttpResponse> r) {
        String netty = encode(new HttpResponseEncoder(), r.get());
        String berth = encode(new ResponseEncoder(), r.get());
        assertEquals(netty, berth);
        return berth;
    }

    @Test
    void aStaticFileAnswerIsEncodedAsNettyEncodesIt() {
        String bytes = same(() -> response(() -> "hello"));
        assertEquals("HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\netag: \"400-1a23b2970ff\"\r\n"
                + "last-modified: Thu, 03 Dec 2026 09:08:21 GMT\r\ncontent-length: 5\r\n\r\nhello", bytes);
    }

    @Test
    void repeatedNamesAndCharactersBeyondAsciiAreEncodedAsNettyEncodesThem() {
        same(() -> {
            FullHttpResponse r = response(() -> "x");
            r.headers().add("set-cookie", "a=1").add("set-cookie", "b=2").add("x-latin", "caf\u00e9")
                    .add("x-wide", "\u20ac and \u4e2d");
            return r;
        });
    }

    @Test
    void aHeaderBlockLargerThanTheScratchArrayIsEncodedAsNettyEncodesIt() {
        String bytes = same(() -> {
            FullHttpResponse r = response(() -> "big");
            for (int i = 0; i < 40; i++) {
                r.headers().add("x-field-" + i, "v".repeat(200));
            }
            return r;
        });
        assertTrue(bytes.length() > 8000, "a block of " + bytes.length() + " bytes");
    }

    @Test
    void aChunkedAnswerWithTrailersIsEncodedAsNettyEncodesIt() {
        String netty = chunked(new HttpResponseEncoder());
        assertEquals(netty, chunked(new ResponseEncoder()));
        assertTrue(netty.endsWith("0\r\nx-checksum: abc\r\nx-count: 3\r\n\r\n"), netty);
    }

    /** A chunked head, one chunk, and a last chunk with two trailer fields, through {@code encoder}. */
    private static String chunked(ChannelOutboundHandler encoder) {
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, HeaderMaps.unchecked(4));
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, HeaderMaps.unchecked(2));
        last.trailingHeaders().add("x-checksum", "abc").add("x-count", "3");
        ch.writeOutbound(head, new DefaultHttpContent(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII)), last);
        return written(ch);
    }

    @Test
    void manyAnswersInARowOnOneThreadDoNotMixTheirBlocks() {
        for (int i = 0; i < 100; i++) {
            int n = i;
            same(() -> {
                FullHttpResponse r = response(() -> "b" + n);
                r.headers().add("x-n", "n".repeat(n));
                return r;
            });
        }
    }
}
