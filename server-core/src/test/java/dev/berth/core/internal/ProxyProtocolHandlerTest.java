package dev.berth.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Cidr;
import dev.berth.core.ListenerConfig;
import dev.berth.core.ProxyProtocol;
import dev.berth.core.ProxyProtocolConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProxyProtocolHandlerTest {

    private static int detect(byte[] bytes) {
        return ProxyProtocolHandler.detect(Unpooled.wrappedBuffer(bytes));
    }

    private static int detect(String text) {
        return detect(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aShortPlaintextCommandIsKnownNotToBeAHeaderAtOnce() {
        assertEquals(2, detect("QUIT\r\n"));
        assertEquals(2, detect("E"));
        assertEquals(2, detect("GET / HTTP/1.1\r\n"));
    }

    @Test
    void aPrefixOfEitherSignatureWaitsForMoreBytes() {
        assertEquals(0, detect("PROX"));
        assertEquals(0, detect(new byte[] {0x0D, 0x0A, 0x0D}));
    }

    @Test
    void bothSignaturesAreRecognised() {
        assertEquals(1, detect("PROXY TCP4 "));
        assertEquals(1, detect(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21}));
    }

    @Test
    void aHeaderBegunButNeverFinishedIsClosedAtTheHeaderTimeout() throws Exception {
        MockTicker ticker = Ticker.newMockTicker();
        boolean[] active = {false};
        TcpPeerChannel ch = peer(ticker, active);
        ch.writeInbound(Unpooled.copiedBuffer("PROXY TCP4 192.0.2.1", StandardCharsets.US_ASCII)); // and then nothing
        ticker.advance(ProxyProtocolHandler.HEADER_TIMEOUT_MILLIS - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen(), "closed before the header timeout");
        ticker.advance(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen(), "a trusted peer that began a PROXY header and stalled was held past the header timeout");
        assertFalse(active[0], "the protocol was told the connection is active");
        ch.finishAndReleaseAll();
    }

    @Test
    void aWholeHeaderStopsTheHeaderTimeout() throws Exception {
        MockTicker ticker = Ticker.newMockTicker();
        boolean[] active = {false};
        TcpPeerChannel ch = peer(ticker, active);
        ch.writeInbound(Unpooled.copiedBuffer("PROXY TCP4 192.0.2.1 192.0.2.2 1000 25\r\n", StandardCharsets.US_ASCII));
        assertTrue(active[0], "the protocol did not see the connection become active after the header");
        ticker.advance(ProxyProtocolHandler.HEADER_TIMEOUT_MILLIS * 2, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen(), "a connection with a whole header was closed at the header timeout");
        ch.finishAndReleaseAll();
    }

    private static TcpPeerChannel peer(MockTicker ticker, boolean[] active) {
        TcpPeerChannel ch = new TcpPeerChannel(ticker);
        DefaultConnectionContext context = new DefaultConnectionContext(
                ListenerConfig.tcp("t").protocol("echo").build(), ch, null);
        ch.pipeline().addLast("proxy", new ProxyProtocolHandler(
                ProxyProtocolConfig.of(ProxyProtocol.ON, List.of(Cidr.parse("127.0.0.0/8"))), context));
        ch.pipeline().addLast("protocol", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                active[0] = true;
            }
        });
        ch.activate();
        return ch;
    }
}
