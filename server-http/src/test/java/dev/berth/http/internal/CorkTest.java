package dev.berth.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.http.HttpResponse;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sendfile answer is written corked, head and body together, and the connection is uncorked once
 * its last byte is written, so that what follows on the connection is not held back.
 */
class CorkTest {
    /** Larger than the socket buffers on loopback, so that the body is still being written when write returns. */
    private static final int SIZE = 8 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aSendfileAnswerIsCorkedWhileItsBodyIsWrittenAndUncorkedOnceItIsDone() throws Exception {
        assumeTrue(Epoll.isAvailable(), "epoll is not available here");
        byte[] body = new byte[SIZE];
        new Random(7).nextBytes(body);
        Path file = Files.write(dir.resolve("big.bin"), body);
        CompletableFuture<Boolean> corkedWhileWriting = new CompletableFuture<>();
        CompletableFuture<Boolean> corkedAfter = new CompletableFuture<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel listening = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void handlerAdded(ChannelHandlerContext ctx) {
                            ctx.pipeline().addFirst(new HttpResponseEncoder());
                        }

                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            ResponseWriter.Mode mode = new ResponseWriter.Mode(false, true, false, true,
                                    HttpVersion.HTTP_1_1, Runnable::run, true, null, null);
                            var done = ResponseWriter.write(ctx, HttpResponse.file(file), mode);
                            corkedWhileWriting.complete(!done.isDone()
                                    && ctx.channel().config().getOption(EpollChannelOption.TCP_CORK));
                            done.addListener(f -> corkedAfter.complete(
                                    ctx.channel().config().getOption(EpollChannelOption.TCP_CORK)));
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            byte[] received;
            try (Socket client = new Socket()) {
                client.connect((InetSocketAddress) listening.localAddress());
                client.setSoTimeout(10_000);
                assertTrue(corkedWhileWriting.get(10, TimeUnit.SECONDS), "corked while the body is being written");
                received = readAnswer(client.getInputStream());
            }
            assertFalse(corkedAfter.get(10, TimeUnit.SECONDS), "uncorked once the last byte is written");
            String text = new String(received, 0, Math.min(received.length, 400), StandardCharsets.ISO_8859_1);
            int bodyStart = text.indexOf("\r\n\r\n") + 4;
            assertTrue(text.startsWith("HTTP/1.1 200 OK\r\n"), text);
            assertTrue(text.toLowerCase().contains("content-length: " + SIZE), text);
            assertEquals(SIZE, received.length - bodyStart);
            assertTrue(Arrays.equals(body, Arrays.copyOfRange(received, bodyStart, received.length)),
                    "the body arrives byte for byte");
            listening.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Reads head and body: the head's length is not known in advance, so read until the body's size is in. */
    private static byte[] readAnswer(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(SIZE + 1024);
        byte[] buf = new byte[64 * 1024];
        int headEnd = -1;
        while (true) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
            if (headEnd < 0) {
                String sofar = new String(out.toByteArray(), 0, Math.min(out.size(), 1024), StandardCharsets.ISO_8859_1);
                int i = sofar.indexOf("\r\n\r\n");
                headEnd = i < 0 ? -1 : i + 4;
            }
            if (headEnd >= 0 && out.size() - headEnd >= SIZE) {
                break;
            }
        }
        return out.toByteArray();
    }
}
