package dev.berth.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LingeringClose} on a real socket: a server that answers {@code BYE} to the first bytes it reads and
 * then closes that way, with bounds chosen per test; a handler after it counts the bytes that reach it.
 */
class LingeringCloseTest {
    private static final byte[] BYE = "BYE\n".getBytes(StandardCharsets.US_ASCII);
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicLong passedOn = new AtomicLong();
    private final CompletableFuture<Channel> accepted = new CompletableFuture<>();

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private int serve(Duration time, long maxBytes) {
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.complete(ch);
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            private boolean answered;

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                passedOn.addAndGet(((ByteBuf) msg).readableBytes());
                                ReferenceCountUtil.release(msg);
                                if (!answered) {
                                    answered = true;
                                    ctx.writeAndFlush(Unpooled.wrappedBuffer(BYE))
                                            .addListener(f -> LingeringClose.begin(ctx.channel(), time, maxBytes));
                                }
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connects, sends one byte and reads the answer, after which the server lingers. */
    private static Socket answered(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        s.getOutputStream().write('x');
        assertEquals("BYE\n", new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
        return s;
    }

    /** Writes {@code chunk} every {@code pauseMillis} until a write fails, at most {@code count} times; returns the writes made. */
    private static int sendUntilRefused(OutputStream out, byte[] chunk, int count, long pauseMillis)
            throws InterruptedException {
        for (int i = 0; i < count; i++) {
            try {
                out.write(chunk);
                out.flush();
            } catch (IOException closedByTheServer) {
                return i;
            }
            if (pauseMillis > 0) {
                Thread.sleep(pauseMillis);
            }
        }
        return count;
    }

    @Test
    void theAnswerAndTheEndOfTheStreamReachAClientStillSendingAndNothingItSendsIsPassedOn() throws Exception {
        int port = serve(Duration.ofSeconds(30), 1 << 20);
        try (Socket s = answered(port)) {
            InputStream in = s.getInputStream();
            sendUntilRefused(s.getOutputStream(), new byte[1000], 50, 2);
            assertEquals(-1, in.read(), "the server's FIN after its answer");
            Channel ch = accepted.get(5, TimeUnit.SECONDS);
            assertTrue(ch.isOpen(), "the server still reads, until the client closes");
            s.close();
            assertTrue(ch.closeFuture().await(10, TimeUnit.SECONDS), "closed once the client closed");
        }
        assertEquals(1, passedOn.get(), "only the byte before the answer reached the handler after it");
    }

    @Test
    void aClientThatNeverStopsSendingIsClosedOnceTheLingeringTimePasses() throws Exception {
        int port = serve(Duration.ofMillis(300), Long.MAX_VALUE);
        try (Socket s = answered(port)) {
            // 100 bytes every 10 ms: the time bound, not the byte bound, ends it, long before the 30 s this allows
            int writes = sendUntilRefused(s.getOutputStream(), new byte[100], 3000, 10);
            assertTrue(writes < 3000, "the server closed while the client was still sending");
            assertTrue(accepted.get(5, TimeUnit.SECONDS).closeFuture().await(10, TimeUnit.SECONDS));
        }
        assertEquals(1, passedOn.get());
    }

    @Test
    void aClientThatSendsMoreThanTheByteBoundIsClosed() throws Exception {
        int port = serve(Duration.ofMinutes(5), 64 * 1024);
        try (Socket s = answered(port)) {
            // at most 256 MiB, as fast as it goes: the 64 KiB bound ends it, long before the five minutes
            int writes = sendUntilRefused(s.getOutputStream(), new byte[64 * 1024], 4096, 0);
            assertTrue(writes < 4096, "the server closed while the client was still sending");
            assertTrue(accepted.get(5, TimeUnit.SECONDS).closeFuture().await(10, TimeUnit.SECONDS));
        }
        assertEquals(1, passedOn.get());
    }
}
