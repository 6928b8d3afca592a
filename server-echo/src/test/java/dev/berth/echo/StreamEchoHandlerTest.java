package dev.berth.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.spi.Drain;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamEchoHandlerTest {

    @Test
    void bytesReadAreWrittenBackUnchanged() {
        EmbeddedChannel ch = new EmbeddedChannel(StreamEchoHandler.INSTANCE);
        ch.writeInbound(text("hello\r\n"), text("\u0000\u00ff binary"));
        assertEquals("hello\r\n", readText(ch));
        assertEquals("\u0000\u00ff binary", readText(ch));
        assertNull(ch.readOutbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void theEchoIsFlushedOncePerReadBurstNotOncePerBuffer() {
        EmbeddedChannel ch = new EmbeddedChannel(StreamEchoHandler.INSTANCE);
        ch.pipeline().fireChannelRead(text("a"));
        ch.pipeline().fireChannelRead(text("b"));
        assertNull(ch.readOutbound(), "nothing reaches the socket before the read burst ends");
        assertTrue(ch.unsafe().outboundBuffer().totalPendingWriteBytes() >= 2,
                "but both are queued, and count against the write-buffer watermarks");
        ch.pipeline().fireChannelReadComplete();
        assertEquals("a", readText(ch));
        assertEquals("b", readText(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void whenTheClientShutsItsSideTheRestOfTheEchoIsSentThenTheConnectionCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(StreamEchoHandler.INSTANCE);
        ch.pipeline().fireChannelRead(text("last words"));
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals("last words", readText(ch));
        assertNothingMoreSent(ch);
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void aTlsCloseNotifyFromTheClientEndsTheEchoLikeAFin() {
        EmbeddedChannel ch = new EmbeddedChannel(StreamEchoHandler.INSTANCE);
        ch.pipeline().fireChannelRead(text("before close_notify"));
        ch.pipeline().fireUserEventTriggered(SslCloseCompletionEvent.SUCCESS);
        assertEquals("before close_notify", readText(ch));
        assertNothingMoreSent(ch);
        assertFalse(ch.isOpen());
    }

    @Test
    void onDrainWhatWasReadIsSentThenTheConnectionCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(StreamEchoHandler.INSTANCE);
        ch.pipeline().fireChannelRead(text("in flight"));
        ch.pipeline().fireUserEventTriggered(Drain.EVENT);
        assertEquals("in flight", readText(ch));
        assertNothingMoreSent(ch);
        assertFalse(ch.isOpen());
    }

    @Test
    void whatTheClientSendsAfterTheEndIsNotEchoedWhileTheLastBytesAreStillGoingOut() {
        List<ChannelPromise> held = new ArrayList<>();
        // Holds the marker write back, as a slow socket would, so that the connection stays open.
        ChannelOutboundHandlerAdapter slowSocket = new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (msg instanceof ByteBuf && !((ByteBuf) msg).isReadable()) {
                    held.add(promise);
                    return;
                }
                ctx.write(msg, promise);
            }
        };
        EmbeddedChannel ch = new EmbeddedChannel(slowSocket, StreamEchoHandler.INSTANCE);
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertTrue(ch.isOpen());
        ByteBuf late = text("late");
        ch.writeInbound(late);
        assertNull(ch.readOutbound(), "not echoed");
        assertSame(late, ch.readInbound(), "passed on to the pipeline's end, which releases it");
        late.release();
        held.get(0).setSuccess();
        assertFalse(ch.isOpen(), "closed once the last bytes are out");
    }

    @Test
    void oneInstanceServesManyConnections() {
        EmbeddedChannel a = new EmbeddedChannel(StreamEchoHandler.INSTANCE);
        EmbeddedChannel b = new EmbeddedChannel(StreamEchoHandler.INSTANCE);
        a.writeInbound(text("to a"));
        b.writeInbound(text("to b"));
        assertEquals("to a", readText(a));
        assertEquals("to b", readText(b));
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();
    }

    @Test
    void otherUserEventsPassOnToLaterHandlers() {
        List<Object> seen = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(StreamEchoHandler.INSTANCE, new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                seen.add(evt);
            }
        });
        Object event = new Object();
        ch.pipeline().fireUserEventTriggered(event);
        assertEquals(1, seen.size());
        assertSame(event, seen.get(0));
        ch.finishAndReleaseAll();
    }

    /** Only empty buffers (the marker write that closes after the echo) may follow. */
    private static void assertNothingMoreSent(EmbeddedChannel ch) {
        for (ByteBuf b; (b = ch.readOutbound()) != null; b.release()) {
            assertEquals(0, b.readableBytes());
        }
    }

    static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    static String readText(EmbeddedChannel ch) {
        ByteBuf b = ch.readOutbound();
        try {
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }
}
