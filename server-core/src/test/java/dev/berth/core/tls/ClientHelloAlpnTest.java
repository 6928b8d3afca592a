package dev.berth.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.Test;

class ClientHelloAlpnTest {

    /** The body of the ClientHello a real client (the JDK's engine) sends with this ALPN list, as Netty's SNI handler hands it over. */
    private static ByteBuf clientHello(String... alpn) throws Exception {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(InsecureTrustManagerFactory.INSTANCE);
        if (alpn.length > 0) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        SslContext ctx = b.build();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(ctx.newHandler(ch.alloc(), "berth.test", 443));
        ByteBuf record = ch.readOutbound();
        ch.finishAndReleaseAll();
        // record header (5) and handshake header (4)
        return record.skipBytes(9);
    }

    @Test
    void anAcmeServersClientHelloOfferingAcmeTlsIsRecognised() throws Exception {
        ByteBuf hello = clientHello("acme-tls/1");
        try {
            assertEquals(true, ClientHello.parse(hello).offersAcmeTls());
        } finally {
            hello.release();
        }
    }

    @Test
    void otherClientsAreNotTakenForAnAcmeServer() throws Exception {
        for (String[] alpn : new String[][] {{}, {"h2", "http/1.1"}, {"acme-tls/10"}, {"acme-tls"}}) {
            ByteBuf hello = clientHello(alpn);
            try {
                assertEquals(false, ClientHello.parse(hello).offersAcmeTls(), String.join(",", alpn));
            } finally {
                hello.release();
            }
        }
    }
}
