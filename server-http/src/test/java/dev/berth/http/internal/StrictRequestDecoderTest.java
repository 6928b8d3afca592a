package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.http.HttpLimits;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strict decoder on an {@link EmbeddedChannel}: byte-at-a-time input, chunked bodies, refusals. */
class StrictRequestDecoderTest {

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new StrictRequestDecoder(HttpLimits.DEFAULTS.withMaxBodySize(100)));
    }

    private static List<Object> feedByteByByte(EmbeddedChannel ch, String input) {
        for (byte b : input.getBytes(StandardCharsets.ISO_8859_1)) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            out.add(o);
        }
        return out;
    }

    private static String body(List<Object> messages) {
        StringBuilder b = new StringBuilder();
        for (Object o : messages) {
            if (o instanceof HttpContent) {
                b.append(((HttpContent) o).content().toString(StandardCharsets.ISO_8859_1));
                ((HttpContent) o).release();
            }
        }
        return b.toString();
    }

    @Test
    void aHeadArrivingWholeLeavesNoTimerBehindButAPartialOneArmsTheHeaderTimeout() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.ISO_8859_1));
        assertInstanceOf(HttpRequest.class, ch.readInbound());
        assertEquals(-1, ch.runScheduledPendingTasks(), "no timer scheduled for a head that came in one read");
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHo", StandardCharsets.ISO_8859_1));
        assertTrue(ch.runScheduledPendingTasks() > 0, "a partial head is timed");
        ch.finishAndReleaseAll();
    }

    /** The first message decoded from the input, fed whole or one byte at a time. */
    private static Object decodeWith(HttpLimits limits, String input, boolean byteByByte) {
        EmbeddedChannel ch = new EmbeddedChannel(new StrictRequestDecoder(limits));
        List<Object> out = byteByByte ? feedByteByByte(ch, input) : new ArrayList<>();
        if (!byteByByte) {
            ch.writeInbound(Unpooled.copiedBuffer(input, StandardCharsets.ISO_8859_1));
            out.add(ch.readInbound());
        }
        Object first = out.get(0);
        ch.finishAndReleaseAll();
        return first;
    }

    @Test
    void theSizeLimitsCutAtTheSameByteWhetherTheHeadArrivesWholeOrByteByByte() {
        HttpLimits limits = HttpLimits.DEFAULTS.withMaxRequestLine(64).withMaxHeaderSize(128);
        String line = "GET /" + "a".repeat(49) + " HTTP/1.1"; // 63 bytes before the CRLF
        String field = "X: " + "b".repeat(113) + "\r\n"; // after Host (9 bytes), the final CR is byte 127
        for (boolean byteByByte : new boolean[] {false, true}) {
            assertInstanceOf(HttpRequest.class, decodeWith(limits, line + "\r\nHost: x\r\n\r\n", byteByByte));
            assertEquals(414, assertInstanceOf(HttpDecodeFailure.class,
                    decodeWith(limits, "GET /a" + line.substring(5) + "\r\nHost: x\r\n\r\n", byteByByte)).status());
            assertEquals(414, assertInstanceOf(HttpDecodeFailure.class,
                    decodeWith(limits, "GET /" + "a".repeat(500), byteByByte)).status());
            assertInstanceOf(HttpRequest.class, decodeWith(limits, "GET / HTTP/1.1\r\nHost: x\r\n" + field + "\r\n", byteByByte));
            assertEquals(431, assertInstanceOf(HttpDecodeFailure.class,
                    decodeWith(limits, "GET / HTTP/1.1\r\nHost: x\r\nX: b" + field.substring(3) + "\r\n", byteByByte)).status());
            assertEquals(431, assertInstanceOf(HttpDecodeFailure.class,
                    decodeWith(limits, "GET / HTTP/1.1\r\nHost: x\r\nX: " + "b".repeat(1000), byteByByte)).status());
        }
    }

    @Test
    void fieldNamesCountForHostAndFramingWhateverTheirCase() {
        HttpLimits limits = HttpLimits.DEFAULTS;
        HttpRequest r = assertInstanceOf(HttpRequest.class, decodeWith(limits,
                "GET / HTTP/1.1\r\nUSER-AGENT: a\r\nhOsT: x\r\nX-Custom-Name: v\r\n\r\n", false));
        assertEquals("a", r.headers().get("User-Agent"));
        assertEquals("x", r.headers().get("Host"));
        assertEquals("v", r.headers().get("x-custom-name"));
        String[][] refused = {
            {"GET / HTTP/1.1\r\nhOsT: x\r\nHOST: y\r\n\r\n", "more than one Host"},
            {"GET / HTTP/1.1\r\nX: y\r\n\r\n", "missing Host"},
            {"POST / HTTP/1.1\r\nHost: x\r\ncontent-length: 1\r\nCONTENT-LENGTH: 1\r\n\r\nx", "more than one Content-Length"},
            {"POST / HTTP/1.1\r\nHost: x\r\nContent-LENGTH: 3\r\ntransfer-ENCODING: chunked\r\n\r\n", "both"},
            {"POST / HTTP/1.1\r\nHost: x\r\nTRANSFER-encoding: gzip\r\n\r\n", "does not end in chunked"},
        };
        for (String[] c : refused) {
            HttpDecodeFailure f = assertInstanceOf(HttpDecodeFailure.class, decodeWith(limits, c[0], false), c[0]);
            assertEquals(400, f.status(), c[0]);
            assertTrue(f.reason().contains(c[1]), f.reason());
        }
    }

    @Test
    void aRequestArrivingOneByteAtATimeIsDecodedWhole() {
        EmbeddedChannel ch = channel();
        List<Object> out = feedByteByByte(ch, "POST /p?q=1 HTTP/1.1\r\nHost: x\r\nX-A:  spaced value \r\nContent-Length: 3\r\n\r\nabc");
        HttpRequest r = assertInstanceOf(HttpRequest.class, out.get(0));
        assertEquals("/p?q=1", r.uri());
        assertEquals("spaced value", r.headers().get("x-a"));
        assertInstanceOf(LastHttpContent.class, out.get(out.size() - 1));
        assertEquals("abc", body(out));
        ch.finishAndReleaseAll();
    }

    @Test
    void aChunkedBodyWithTrailersArrivingOneByteAtATimeIsReassembled() {
        EmbeddedChannel ch = channel();
        List<Object> out = feedByteByByte(ch, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;ext=1\r\nwiki\r\n5\r\npedia\r\n0\r\nX-T: done\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n");
        LastHttpContent last = (LastHttpContent) out.stream().filter(o -> o instanceof LastHttpContent).findFirst().get();
        assertEquals("done", last.trailingHeaders().get("x-t"));
        HttpRequest next = (HttpRequest) out.stream().filter(o -> o instanceof HttpRequest).skip(1).findFirst().get();
        assertEquals("/next", next.uri());
        assertEquals("wikipedia", body(out));
        ch.finishAndReleaseAll();
    }

    @Test
    void emptyLinesBeforeARequestLineAreIgnored() {
        EmbeddedChannel ch = channel();
        List<Object> out = feedByteByByte(ch, "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertInstanceOf(HttpRequest.class, out.get(0));
        ch.finishAndReleaseAll();
    }

    @Test
    void aBareCrSplitAcrossReadsIsStillRefused() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r", StandardCharsets.ISO_8859_1));
        assertNull(ch.readInbound());
        ch.writeInbound(Unpooled.copiedBuffer("X-A: b\r\n\r\n", StandardCharsets.ISO_8859_1));
        HttpDecodeFailure f = assertInstanceOf(HttpDecodeFailure.class, ch.readInbound());
        assertEquals(400, f.status());
        assertTrue(f.reason().contains("bare CR"), f.reason());
        ch.finishAndReleaseAll();
    }

    @Test
    void everythingAfterARefusalIsDiscarded() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx"
                + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.ISO_8859_1));
        assertInstanceOf(HttpDecodeFailure.class, ch.readInbound());
        ch.writeInbound(Unpooled.copiedBuffer("GET /more HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.ISO_8859_1));
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedWith413BeforeAnyBodyByte() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        assertEquals(413, assertInstanceOf(HttpDecodeFailure.class, ch.readInbound()).status());
        ch.finishAndReleaseAll();
    }
}
