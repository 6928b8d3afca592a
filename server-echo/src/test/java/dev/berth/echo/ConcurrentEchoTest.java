package dev.berth.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.Limits;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A thousand clients connected at once, each sending its own bytes: each gets exactly its own back. */
class ConcurrentEchoTest {
    private static final int CLIENTS = 1000;
    private static final int BYTES_EACH = 16 * 1024;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aThousandConcurrentClientsEachGetTheirOwnBytesBackByteForByte() throws Exception {
        Server server = Server.builder().dataDirectory(dir).module(new EchoModule())
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1")
                        .limits(Limits.DEFAULTS.withMaxConnectionsPerIp(CLIENTS)).build())
                .build().start();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            InetSocketAddress address = server.localAddress("echo");
            Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class);
            List<Channel> channels = new ArrayList<>();
            List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                CompletableFuture<byte[]> echo = new CompletableFuture<>();
                ChannelFuture f = b.clone().handler(new Collector(echo)).connect(address);
                assertTrue(f.await(30, TimeUnit.SECONDS) && f.isSuccess(), "client " + i + " connected: " + f.cause());
                channels.add(f.channel());
                echoes.add(echo);
            }
            // Every client is connected before any sends, so all thousand echoes are in flight together.
            for (int i = 0; i < CLIENTS; i++) {
                SocketChannel ch = (SocketChannel) channels.get(i);
                ch.writeAndFlush(Unpooled.wrappedBuffer(payload(i))).addListener(done -> ch.shutdownOutput());
            }
            CompletableFuture.allOf(echoes.toArray(new CompletableFuture<?>[0])).get(90, TimeUnit.SECONDS);
            for (int i = 0; i < CLIENTS; i++) {
                assertArrayEquals(payload(i), echoes.get(i).get(), "client " + i + " got exactly its own bytes");
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            server.stop(Duration.ofSeconds(5));
        }
    }

    /** Bytes no other client sends: the client's number, then a stream seeded by it. */
    private static byte[] payload(int client) {
        byte[] b = EchoOverTcpTest.random(BYTES_EACH, client);
        b[0] = (byte) (client >> 8);
        b[1] = (byte) client;
        return b;
    }

    /** Collects what the server sends until it closes. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<byte[]> result;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

        Collector(CompletableFuture<byte[]> result) {
            this.result = result;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                b.readBytes(received, b.readableBytes());
            } catch (IOException e) {
                result.completeExceptionally(e);
            } finally {
                b.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.complete(received.toByteArray());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
            ctx.close();
        }
    }
}
