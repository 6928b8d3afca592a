package dev.berth.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.AdminConfig;
import dev.berth.core.ListenerConfig;
import dev.berth.core.Server;
import dev.berth.core.Transport;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.Drain;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.testing.Curl;
import dev.berth.core.testing.LineClient;
import dev.berth.core.testing.PrometheusText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadyzDuringStopTest {
    @TempDir
    Path dir;

    /** Answers "done" to a line only once the test releases it, so the drain lasts exactly as long as the test wants. */
    private static ProtocolModule gated(CountDownLatch received, CountDownLatch release) {
        return new ProtocolModule() {
            @Override
            public String name() {
                return "gated";
            }

            @Override
            public Set<Transport> transports() {
                return Set.of(Transport.TCP);
            }

            @Override
            public void initPipeline(ChannelPipeline p, ConnectionContext c) {
                p.addLast(new LineBasedFrameDecoder(1024), new SimpleChannelInboundHandler<ByteBuf>() {
                    private boolean draining;

                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
                        received.countDown();
                        CompletableFuture.runAsync(() -> {
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }).thenRun(() -> ctx.executor().execute(() -> ctx.writeAndFlush(
                                Unpooled.copiedBuffer("done\r\n", StandardCharsets.US_ASCII)).addListener(f -> {
                                    if (draining) {
                                        ctx.close();
                                    }
                                })));
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt == Drain.EVENT) {
                            draining = true;
                            return;
                        }
                        ctx.fireUserEventTriggered(evt);
                    }
                });
            }
        };
    }

    @Test
    void readyzTurns503WhenAStopBeginsWhileTheConnectionInFlightStillDrains() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Server server = Server.builder().dataDirectory(dir).admin(AdminConfig.builder().port(0).build())
                .module(gated(received, release))
                .listener(ListenerConfig.tcp("gated").host("127.0.0.1").port(0).build())
                .build().start();
        String admin = "http://127.0.0.1:" + server.localAddress(AdminConfig.NAME).getPort();
        assertEquals(200, Curl.run(admin + "/readyz").status(), "ready before the stop");
        try (LineClient c = new LineClient(server.localAddress("gated"), 30_000)) {
            c.send("go\r\n");
            assertTrue(received.await(10, TimeUnit.SECONDS), "the request is in flight on the server");
            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.stop(Duration.ofSeconds(30)));

            Curl.Response readyz = Curl.run(admin + "/readyz");
            for (int i = 0; i < 200 && readyz.status() == 200; i++) {
                Thread.sleep(50);
                readyz = Curl.run(admin + "/readyz");
            }
            assertEquals(503, readyz.status(), "a load balancer sees not-ready once the stop has begun");
            assertFalse(stopped.isDone(), "while the connection in flight still drains");
            assertEquals(200, Curl.run(admin + "/healthz").status(), "the process is still live");
            PrometheusText m = PrometheusText.parse(Curl.run(admin + "/metrics").body());
            assertEquals(1.0, m.sum("berth_server_draining"));
            assertEquals(1.0, m.sum("berth_connections_active", "listener", "gated"));

            release.countDown();
            assertEquals("done", c.readLine(), "the answer in flight arrives");
            assertTrue(stopped.get(30, TimeUnit.SECONDS), "the drain finished before the deadline");
        }
        assertEquals(0, Curl.run(admin + "/healthz").status(), "the admin listener closes at the end of the stop");
    }
}
