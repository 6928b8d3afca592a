package dev.berth.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * The ClientHello peek on arbitrary bytes: it runs on every TLS accept before any handshake, so it must never
 * throw, never move the buffer's indexes, and never look outside the readable bytes (its answer must not
 * depend on what lies after the writer index, where Netty's SNI handler may leave bytes of a later record
 * or stale pooled memory when a ClientHello spans records).
 */
class ClientHelloFuzzTest {

    @FuzzTest
    void anyBodyIsAnsweredWithoutAnExceptionAndWithTheIndexesUnmoved(byte[] body) {
        ByteBuf exact = Unpooled.wrappedBuffer(body);
        ClientHello.parse(exact);
        assertEquals(0, exact.readerIndex(), "reader index moved");
        assertEquals(body.length, exact.writerIndex(), "writer index moved");

        ByteBuf offset = Unpooled.wrappedBuffer(new byte[7], body).setIndex(7, 7 + body.length);
        ClientHello.parse(offset);
        assertEquals(7, offset.readerIndex(), "reader index moved");
        assertEquals(7 + body.length, offset.writerIndex(), "writer index moved");
    }

    @FuzzTest
    void aClientHelloBodyIsReadWithinItsBytesAndLeavesTheBufferAsItWas(byte[] body) {
        boolean alone = ClientHello.parse(Unpooled.wrappedBuffer(body)).acceptsEcdsa();
        // the same bytes at the start of a larger buffer, followed by bytes that would make a different answer
        for (byte wall : new byte[] {0x00, (byte) 0xff, 0x03}) {
            byte[] padded = new byte[body.length + 2048];
            Arrays.fill(padded, wall);
            System.arraycopy(body, 0, padded, 0, body.length);
            ByteBuf inside = Unpooled.wrappedBuffer(padded).setIndex(0, body.length);
            assertEquals(alone, ClientHello.parse(inside).acceptsEcdsa(),
                    "the answer depends on bytes after the writer index (wall byte " + wall + ")");
            assertEquals(0, inside.readerIndex(), "reader index moved");
            assertEquals(body.length, inside.writerIndex(), "writer index moved");
        }
    }
}
