package dev.berth.core.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.PipelineNames;
import dev.berth.core.tls.ClientHello;
import dev.berth.core.tls.StartTls;
import dev.berth.core.tls.TlsConfig;
import dev.berth.core.tls.TlsLibrary;
import dev.berth.core.tls.TlsMode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OPTIONAL sniffer and the STARTTLS switch, handler by handler, on an {@link EmbeddedChannel}. */
class TlsHandlersUnitTest {
    @TempDir
    Path data;

    private ListenerTls tls(TlsMode mode) {
        TlsConfig config = TlsConfig.builder().library(TlsLibrary.JDK).reloadInterval(Duration.ZERO).build();
        return new ListenerTls(mode, new ReloadingContextProvider(config, data, List.of()), config);
    }

    @Test
    void theSnifferPassesPlaintextOnFromItsFirstByte() {
        EmbeddedChannel ch = new EmbeddedChannel();
        TlsHandlers.installAtAccept(ch.pipeline(), tls(TlsMode.OPTIONAL));
        ch.writeInbound(Unpooled.copiedBuffer("Q\n", StandardCharsets.US_ASCII));
        assertNull(ch.pipeline().get(PipelineNames.TLS_SNIFFER), "the sniffer is gone");
        assertNull(ch.pipeline().get(PipelineNames.TLS));
        ByteBuf passed = ch.readInbound();
        assertEquals("Q\n", passed.toString(StandardCharsets.US_ASCII));
        passed.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void theSnifferInstallsTlsForAHandshakeRecord() {
        EmbeddedChannel ch = new EmbeddedChannel();
        TlsHandlers.installAtAccept(ch.pipeline(), tls(TlsMode.OPTIONAL));
        // a TLS 1.2 handshake record header announcing 64 bytes: enough to decide, not a whole ClientHello
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {22, 3, 1, 0, 64}));
        assertNull(ch.pipeline().get(PipelineNames.TLS_SNIFFER));
        assertNotNull(ch.pipeline().get(PipelineNames.TLS), "the TLS handler took the sniffer's place");
        assertNull(ch.readInbound(), "nothing reaches the protocol before the handshake");
        ch.finishAndReleaseAll();
    }

    @Test
    void aClientHelloTooShortToReadAcceptsOnlyTheDefaultChain() {
        ByteBuf truncated = Unpooled.wrappedBuffer(new byte[] {3, 3, 0, 0, 0});
        assertEquals(false, ClientHello.parse(truncated).acceptsEcdsa());
        assertEquals(0, truncated.readerIndex(), "the buffer is not consumed");
        assertEquals(false, ClientHello.parse(null).acceptsEcdsa());
    }

    @Test
    void startTlsDropsWhatWasPipelinedAfterTheCommandAndPutsTlsFirst() {
        List<String> seen = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.attr(ListenerTls.KEY).set(tls(TlsMode.STARTTLS));
        ch.pipeline().addLast("framing", new LineBasedFrameDecoder(100));
        ch.pipeline().addLast(new StringDecoder(StandardCharsets.US_ASCII), new StringEncoder(StandardCharsets.US_ASCII));
        ch.pipeline().addLast("protocol", new SimpleChannelInboundHandler<String>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, String line) {
                seen.add(line);
                if (line.equals("STARTTLS")) {
                    StartTls.begin(ctx, "framing", () -> new LineBasedFrameDecoder(100), "READY\r\n", s -> { });
                }
            }
        });
        ch.writeInbound(Unpooled.copiedBuffer("STARTTLS\r\nINJECTED\r\npartial", StandardCharsets.US_ASCII));
        assertEquals(List.of("STARTTLS"), seen, "nothing after the command reached the protocol");
        assertEquals(PipelineNames.TLS, ch.pipeline().names().get(0), "TLS is first");
        assertNotNull(ch.pipeline().get(StartTls.DISCARD), "inbound is dropped until the handshake completes");
        ByteBuf reply = ch.readOutbound();
        assertEquals("READY\r\n", reply.toString(StandardCharsets.US_ASCII), "the go-ahead went out in plaintext");
        reply.release();
        assertTrue(ch.pipeline().get("framing") instanceof LineBasedFrameDecoder);
        ch.finishAndReleaseAll();
    }
}
