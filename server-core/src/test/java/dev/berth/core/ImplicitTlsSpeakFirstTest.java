package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.testing.TrustAll;
import dev.berth.core.tls.TlsMode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A protocol that speaks first on an IMPLICIT-TLS listener says its first words inside TLS. */
class ImplicitTlsSpeakFirstTest {

    @TempDir
    Path dir;

    /** Writes a banner as soon as its connection is active, like an SMTP server on port 465. */
    private static final class Banner implements ProtocolModule {
        @Override
        public String name() {
            return "banner";
        }

        @Override
        public Set<Transport> transports() {
            return Set.of(Transport.TCP);
        }

        @Override
        public void initPipeline(ChannelPipeline pipeline, ConnectionContext connection) {
            pipeline.addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(ChannelHandlerContext ctx) {
                    String tls = ConnectionContext.of(ctx.channel()).tlsSession().map(s -> s.getProtocol()).orElse("none");
                    ctx.writeAndFlush(Unpooled.copiedBuffer("220 hello over " + tls + "\r\n", StandardCharsets.US_ASCII));
                    ctx.fireChannelActive();
                }
            });
        }
    }

    @Test
    void theFirstWordsOfAServerThatSpeaksFirstAreEncryptedAndTheSessionIsKnown() throws Exception {
        try (Server server = Server.builder().module(new Banner()).dataDirectory(dir).shutdownTimeout(Duration.ofSeconds(1))
                .listener(ListenerConfig.tcp("banner").host("127.0.0.1").port(0).tlsMode(TlsMode.IMPLICIT).build())
                .build().start()) {
            SSLContext ctx = TrustAll.context();
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1",
                    server.localAddress("banner").getPort())) {
                s.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                assertEquals("220 hello over TLSv1.3", in.readLine());
            }
        }
    }
}
