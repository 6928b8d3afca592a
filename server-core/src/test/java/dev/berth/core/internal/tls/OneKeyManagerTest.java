package dev.berth.core.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.core.tls.OpenSslClient;
import dev.berth.core.tls.TestPki;
import dev.berth.core.tls.TlsPolicy;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * Why {@link dev.berth.core.tls.ClientHello} exists: one {@link SslContext} whose key manager holds both an RSA and an
 * ECDSA key picks by the client's signature algorithms on the JDK, but not on OpenSSL, where a client
 * that accepts only RSA is refused. If this test starts failing, Netty has learnt to choose, and the
 * ClientHello parser can go.
 */
class OneKeyManagerTest {
    private static final String RSA_ONLY = "RSA-PSS+SHA256:RSA+SHA256";
    private static final String ECDSA_ONLY = "ECDSA+SHA256";

    @Test
    void oneKeyManagerWithBothKeysChoosesRightOnTheJdkButRefusesRsaOnlyClientsOnOpenSsl() throws Exception {
        Map<String, String> jdk = served(SslProvider.JDK);
        Map<String, String> openssl = served(SslProvider.OPENSSL);
        assertEquals(Map.of("-tls1_2 " + ECDSA_ONLY, "ec", "-tls1_2 " + RSA_ONLY, "rsa",
                "-tls1_3 " + ECDSA_ONLY, "ec", "-tls1_3 " + RSA_ONLY, "rsa"), jdk, "JDK");
        assertEquals(Map.of("-tls1_2 " + ECDSA_ONLY, "ec", "-tls1_2 " + RSA_ONLY, "refused",
                "-tls1_3 " + ECDSA_ONLY, "ec", "-tls1_3 " + RSA_ONLY, "refused"), openssl, "OpenSSL");
    }

    /** What each kind of client gets from one context with both keys: "rsa", "ec" or "refused". */
    private static Map<String, String> served(SslProvider provider) throws Exception {
        CertifiedKey rsa = MaterialLoader.load(TestPki.file("rsa-chain.pem"), TestPki.file("rsa.key"), null, false,
                Instant.now());
        CertifiedKey ec = MaterialLoader.load(TestPki.file("ec-chain.pem"), TestPki.file("ec-sec1.key"), null, false,
                Instant.now());
        char[] password = "unused".toCharArray();
        KeyStore both = KeyStore.getInstance("PKCS12");
        both.load(null, null);
        both.setKeyEntry("rsa", rsa.key, password, rsa.chainArray());
        both.setKeyEntry("ec", ec.key, password, ec.chainArray());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(both, password);
        SslContext context = SslContextBuilder.forServer(kmf).sslProvider(provider)
                .protocols(TlsPolicy.INTERMEDIATE.protocols()).ciphers(TlsPolicy.INTERMEDIATE.ciphers()).build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(context.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                    if (evt instanceof SslHandshakeCompletionEvent) {
                                        ctx.close();
                                    }
                                }
                            });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            Map<String, String> out = new LinkedHashMap<>();
            for (String version : List.of("-tls1_2", "-tls1_3")) {
                for (String sigalgs : List.of(ECDSA_ONLY, RSA_ONLY)) {
                    OpenSslClient.Result r = OpenSslClient.run((InetSocketAddress) server.localAddress(), "", version,
                            "-sigalgs", sigalgs);
                    String got = "refused";
                    if (r.output.contains("subject=O = Berth test, CN = rsa")) {
                        got = "rsa";
                    } else if (r.output.contains("subject=O = Berth test, CN = ec")) {
                        got = "ec";
                    }
                    out.put(version + " " + sigalgs, got);
                }
            }
            server.close().sync();
            return out;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
