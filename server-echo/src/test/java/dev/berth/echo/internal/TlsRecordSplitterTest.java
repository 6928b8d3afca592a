package dev.berth.echo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batches of TLS records handed to the TLS handler, and the flushes between them, on an {@link EmbeddedChannel}. */
class TlsRecordSplitterTest {
    private final List<String> events = new ArrayList<>();

    private EmbeddedChannel channel() {
        ChannelOutboundHandlerAdapter flushes = new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                events.add("flush");
                ctx.flush();
            }
        };
        ChannelInboundHandlerAdapter tls = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                events.add("records of " + b.readableBytes() + " bytes");
                b.release();
            }
        };
        return new EmbeddedChannel(flushes, new TlsRecordSplitter(), tls);
    }

    private static ByteBuf records(int... spec) {
        // pairs: type, payload length
        ByteBuf b = Unpooled.buffer();
        for (int i = 0; i < spec.length; i += 2) {
            b.writeByte(spec[i]).writeShort(0x0303).writeShort(spec[i + 1]).writeZero(spec[i + 1]);
        }
        return b;
    }

    @Test
    void bulkRecordsOfOneReadPassInOneBatchWithoutAFlush() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(records(22, 300, 23, 16384, 23, 16384));
        assertEquals(List.of("records of " + (3 * 5 + 300 + 2 * 16384) + " bytes"), events);
    }

    @Test
    void aTls13RecordSmallEnoughToBeAnAlertIsPassedOnAloneAfterAFlush() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(records(22, 300));
        events.clear();
        // data, then what may be an encrypted close_notify (19 bytes of payload), then more data
        ch.writeInbound(records(23, 1000, 23, 19, 23, 2000));
        assertEquals(List.of("records of 1005 bytes", "flush", "records of " + (24 + 2005) + " bytes"), events);
    }

    @Test
    void aTls12AlertIsKnownByItsTypeWhateverItsSize() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(records(22, 300));
        events.clear();
        ch.writeInbound(records(23, 1000, 21, 100));
        assertEquals(List.of("records of 1005 bytes", "flush", "records of 105 bytes"), events);
    }

    @Test
    void aRecordSplitAcrossReadsWaitsForItsRest() {
        EmbeddedChannel ch = channel();
        ByteBuf all = records(22, 300);
        ch.writeInbound(all.readRetainedSlice(100));
        assertEquals(List.of(), events);
        ch.writeInbound(all);
        assertEquals(List.of("records of 305 bytes"), events);
    }

    @Test
    void aPlaintextClientIsPassedOnUntouchedAndTheSplitterLeaves() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("plain\n", StandardCharsets.US_ASCII));
        assertEquals(List.of("records of 6 bytes"), events);
        assertNull(ch.pipeline().get(TlsRecordSplitter.class));
    }
}
