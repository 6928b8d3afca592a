package dev.berth.http.internal;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Iterator;
import java.util.Map;

/**
 * Netty's HTTP/1.x response encoder, with the header block laid out in a heap array of the event loop's and
 * copied into the outgoing buffer once. Netty's own writes each name and each value into the (direct) buffer
 * separately, and those small copies were about 5% of the event loop's time on a small static file
 * (bench/README.md). The bytes are the same: {@code name: value} and CRLF per field, characters above
 * U+00FF as {@code ?}, as Netty's US-ASCII encoding writes them.
 */
final class ResponseEncoder extends HttpResponseEncoder {
    /** A longer block is encoded by Netty's path, so that the scratch array stays small. */
    private static final int SCRATCH = 4096;
    private static final FastThreadLocal<byte[]> BLOCK = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[SCRATCH];
        }
    };

    @Override
    protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
        byte[] block = BLOCK.get();
        int n = 0;
        Iterator<Map.Entry<CharSequence, CharSequence>> fields = headers.iteratorCharSequence();
        while (fields.hasNext()) {
            Map.Entry<CharSequence, CharSequence> field = fields.next();
            CharSequence name = field.getKey();
            CharSequence value = field.getValue();
            if (n + name.length() + value.length() + 4 > block.length) {
                super.encodeHeaders(headers, buf); // nothing written yet: the whole block by Netty's own path
                return;
            }
            n = put(block, n, name);
            block[n++] = ':';
            block[n++] = ' ';
            n = put(block, n, value);
            block[n++] = '\r';
            block[n++] = '\n';
        }
        buf.writeBytes(block, 0, n);
    }

    private static int put(byte[] block, int at, CharSequence s) {
        int length = s.length();
        if (s instanceof AsciiString) {
            AsciiString a = (AsciiString) s;
            System.arraycopy(a.array(), a.arrayOffset(), block, at, length);
            return at + length;
        }
        for (int i = 0; i < length; i++) {
            block[at + i] = AsciiString.c2b(s.charAt(i));
        }
        return at + length;
    }
}
