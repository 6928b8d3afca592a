package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

/** The body counter adds a part's bytes to its own response once, and only when the write succeeded. */
class BodyCounterTest {
    /** A sink that sums what it is told. */
    private static final class Tally implements BodyCounter.Sink {
        long bytes;

        @Override
        public void written(long n) {
            bytes += n;
        }

        @Override
        public void replaced(int status, long bodyBytes) {
        }
    }

    private static DefaultHttpContent chunk(int n) {
        return new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[n]));
    }

    private static void drain(EmbeddedChannel ch) {
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    @Test
    void partsCountIntoTheResponseWhoseHeadPrecededThemInWriteOrder() {
        BodyCounter counter = new BodyCounter();
        EmbeddedChannel ch = new EmbeddedChannel(counter);
        Tally first = new Tally();
        Tally second = new Tally();
        counter.expect(first);
        counter.expect(second);
        ch.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ch.write(chunk(100));
        ch.write(chunk(20));
        ch.write(LastHttpContent.EMPTY_LAST_CONTENT);
        // a full response between them (100-continue, a small answer) belongs to neither
        ch.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(new byte[7])));
        ch.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ch.write(Unpooled.wrappedBuffer(new byte[5])); // HTTP/1.0 stream bodies go down as bare buffers
        ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        assertEquals(120, first.bytes);
        assertEquals(5, second.bytes);
        drain(ch);
        ch.finishAndReleaseAll();
    }

    @Test
    void partsWhoseWriteFailsAreNotCounted() {
        BodyCounter counter = new BodyCounter();
        EmbeddedChannel ch = new EmbeddedChannel(counter);
        Tally tally = new Tally();
        counter.expect(tally);
        ch.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ch.writeAndFlush(chunk(1000));
        ch.write(chunk(2000)); // written, never flushed: the client leaves first
        ch.close();
        assertEquals(1000, tally.bytes);
        drain(ch);
        ch.finishAndReleaseAll();
    }
}
