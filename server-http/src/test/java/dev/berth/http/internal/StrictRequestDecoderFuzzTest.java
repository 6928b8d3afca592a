package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.http.HttpLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP/1.1 request decoder (head, fixed and chunked bodies, trailers) on arbitrary bytes, cut into pieces
 * where the fuzzer says: only the documented refusals, every buffer released, the body as long as it says,
 * and a request that decodes re-encodes (with Netty's encoder) to one that decodes the same.
 *
 * <p>Input layout: the first byte is the piece size (0: all at once), the rest is what the client sends.
 */
class StrictRequestDecoderFuzzTest {
    /** Small limits, so that a short input reaches each of them. */
    private static final HttpLimits LIMITS = HttpLimits.DEFAULTS.withMaxRequestLine(256).withMaxHeaderSize(1024)
            .withMaxBodySize(4096);
    /** What the decoder may refuse with (408 comes only from its timers, which never fire here). */
    private static final Set<Integer> REFUSALS = Set.of(400, 413, 414, 431, 501, 505);

    @FuzzTest
    void anyBytesGiveRequestsOrOneDocumentedRefusalAndNothingLeaks(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int piece = input[0] & 0xff;
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new StrictRequestDecoder(LIMITS));
        Exchanges seen = new Exchanges();
        for (int from = 1; from < input.length; ) {
            int n = piece == 0 ? input.length - from : Math.min(piece, input.length - from);
            ByteBuf buf = alloc.heapBuffer(n);
            buf.writeBytes(input, from, n);
            from += n;
            ch.writeInbound(buf); // rethrows whatever reached the end of the pipeline
            for (Object m; (m = ch.readInbound()) != null; ) {
                seen.take(m);
            }
        }
        ch.finishAndReleaseAll();
        assertEquals(0, alloc.metric().usedHeapMemory(), "bytes still held after every message was released");
        assertEquals(0, alloc.metric().usedDirectMemory(), "bytes still held after every message was released");
    }

    /** Checks the messages in order: request, content..., last content; again; a refusal ends it all. */
    private static final class Exchanges {
        private HttpRequest request;
        private long bodyBytes;
        private boolean refused;

        void take(Object m) {
            try {
                assertFalse(refused, "a message after a refusal: " + m);
                if (m instanceof HttpDecodeFailure) {
                    HttpDecodeFailure f = (HttpDecodeFailure) m;
                    assertTrue(REFUSALS.contains(f.status()), "undocumented refusal " + f);
                    assertNotNull(f.reason());
                    refused = true;
                } else if (m instanceof HttpRequest) {
                    assertEquals(null, request, "a request before the last one ended");
                    request = (HttpRequest) m;
                    bodyBytes = 0;
                    reencodes(request);
                } else if (m instanceof HttpContent) {
                    assertNotNull(request, "content without a request");
                    bodyBytes += ((HttpContent) m).content().readableBytes();
                    assertTrue(bodyBytes <= LIMITS.maxBodySize(), "a body over the limit was passed on");
                    if (m instanceof LastHttpContent) {
                        String length = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
                        if (length != null) {
                            assertEquals(Long.parseLong(length), bodyBytes, "body length differs from Content-Length");
                        } else if (!request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
                            assertEquals(0, bodyBytes, "a body without framing");
                        }
                        request = null;
                    }
                } else {
                    fail("unexpected message " + m.getClass().getName());
                }
            } finally {
                ReferenceCountUtil.release(m);
            }
        }
    }

    /** Netty's encoder writes the head; a second decoder reads it back as the same request. */
    private static void reencodes(HttpRequest original) {
        EmbeddedChannel encoder = new EmbeddedChannel(new HttpRequestEncoder());
        encoder.writeOutbound(original, LastHttpContent.EMPTY_LAST_CONTENT);
        EmbeddedChannel decoder = new EmbeddedChannel(new StrictRequestDecoder(HttpLimits.DEFAULTS));
        for (Object b; (b = encoder.readOutbound()) != null; ) {
            decoder.writeInbound(b);
        }
        Object again = decoder.readInbound();
        try {
            assertTrue(again instanceof HttpRequest, "re-encoded request decodes to " + again);
            HttpRequest r = (HttpRequest) again;
            assertEquals(original.method(), r.method());
            assertEquals(original.protocolVersion(), r.protocolVersion());
            if (!r.uri().equals(original.uri())) {
                // Netty's encoder adds the path of an absolute URI that has none: http://h?q becomes http://h/?q
                assertEquals(withRootPath(original.uri()), r.uri(), "uri changed by the round trip");
            }
            assertEquals(fields(original.headers()), fields(r.headers()), "header fields changed by the round trip");
        } finally {
            ReferenceCountUtil.release(again);
            decoder.finishAndReleaseAll();
            encoder.finishAndReleaseAll();
        }
    }

    private static String withRootPath(String uri) {
        int authority = uri.indexOf("://") + 3;
        int query = uri.indexOf('?', authority);
        int end = query < 0 ? uri.length() : query;
        return uri.indexOf('/', authority) >= 0 && uri.indexOf('/', authority) < end ? uri
                : uri.substring(0, end) + "/" + uri.substring(end);
    }

    private static List<String> fields(HttpHeaders headers) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : headers) {
            out.add(e.getKey().toLowerCase(Locale.ROOT) + ": " + e.getValue());
        }
        return out;
    }
}
