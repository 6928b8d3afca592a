package dev.berth.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DatagramEchoHandlerTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 7007);
    private static final InetSocketAddress ALICE = new InetSocketAddress("127.0.0.1", 40001);
    private static final InetSocketAddress BOB = new InetSocketAddress("127.0.0.1", 40002);

    @Test
    void eachDatagramGoesBackWholeToItsOwnSender() {
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramEchoHandler());
        ch.writeInbound(datagram("from alice", ALICE), datagram("from bob", BOB));
        DatagramPacket first = ch.readOutbound();
        DatagramPacket second = ch.readOutbound();
        assertEquals(ALICE, first.recipient());
        assertEquals("from alice", first.content().toString(StandardCharsets.US_ASCII));
        assertEquals(BOB, second.recipient());
        assertEquals("from bob", second.content().toString(StandardCharsets.US_ASCII));
        first.release();
        second.release();
        assertNull(ch.readOutbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void whileTheSocketCannotTakeMoreRepliesAreDroppedNotQueued() {
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramEchoHandler());
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 4));
        ch.pipeline().fireChannelRead(datagram("fills the buffer", ALICE));
        DatagramPacket dropped = datagram("finds it full", BOB);
        ch.pipeline().fireChannelRead(dropped);
        assertEquals(0, dropped.refCnt(), "the dropped datagram is released");
        ch.pipeline().fireChannelReadComplete();
        DatagramPacket sent = ch.readOutbound();
        assertEquals(ALICE, sent.recipient());
        sent.release();
        assertNull(ch.readOutbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void aFailedSendDoesNotCloseTheChannelThatServesEveryPeer() {
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramEchoHandler());
        ch.pipeline().fireExceptionCaught(new PortUnreachableException("gone"));
        assertTrue(ch.isOpen());
        ch.checkException();
        ch.writeInbound(datagram("still here", BOB));
        DatagramPacket reply = ch.readOutbound();
        assertEquals(BOB, reply.recipient());
        reply.release();
        ch.finishAndReleaseAll();
    }

    private static DatagramPacket datagram(String text, InetSocketAddress sender) {
        return new DatagramPacket(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII), SERVER, sender);
    }
}
