package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.internal.IdleBackpressureHandler;
import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProtocolModule;
import dev.berth.core.testing.LineClient;
import dev.berth.core.testing.TestModules;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LimitsTest {

    private static Server echo(Limits limits) {
        return Server.builder().module(TestModules.echo("echo")).shutdownTimeout(Duration.ofSeconds(1))
                .listener(ListenerConfig.tcp("echo").host("127.0.0.1").port(0).limits(limits).build())
                .build().start();
    }

    @Test
    void aConnectionOverTheListenersLimitIsClosedAtOnce() throws Exception {
        try (Server server = echo(Limits.DEFAULTS.withMaxConnections(2));
             LineClient a = new LineClient(server.localAddress("echo"));
             LineClient b = new LineClient(server.localAddress("echo"))) {
            assertEquals("a", a.send("a\n").readLine());
            assertEquals("b", b.send("b\n").readLine());
            try (LineClient c = new LineClient(server.localAddress("echo"))) {
                assertTrue(c.closedByServer(), "the third connection is closed");
            }
            assertEquals(1, server.refusedConnections("echo"));
            assertEquals("still", a.send("still\n").readLine(), "connections within the limit live on");
        }
    }

    @Test
    void theLimitFreesUpWhenAConnectionCloses() throws Exception {
        try (Server server = echo(Limits.DEFAULTS.withMaxConnections(1))) {
            assertEquals("b", answerAfterTheFirstConnectionCloses(server));
        }
    }

    @Test
    void aClientAddressGetsItsPlaceBackWhenItsConnectionCloses() throws Exception {
        try (Server server = echo(Limits.DEFAULTS.withMaxConnectionsPerIp(1))) {
            assertEquals("b", answerAfterTheFirstConnectionCloses(server));
        }
    }

    /** Opens, uses and closes one connection, then tries a second until the server has counted the first out. */
    private static String answerAfterTheFirstConnectionCloses(Server server) throws Exception {
        try (LineClient a = new LineClient(server.localAddress("echo"))) {
            assertEquals("a", a.send("a\n").readLine());
        }
        String answer = null;
        for (int i = 0; i < 50 && answer == null; i++) {
            try (LineClient b = new LineClient(server.localAddress("echo"))) {
                answer = b.send("b\n").readLine();
            } catch (java.io.IOException e) {
                Thread.sleep(20);
            }
        }
        return answer;
    }

    @Test
    void aClientAddressOverItsPerAddressLimitIsClosed() throws Exception {
        try (Server server = echo(Limits.DEFAULTS.withMaxConnectionsPerIp(1));
             LineClient a = new LineClient(server.localAddress("echo"))) {
            assertEquals("a", a.send("a\n").readLine());
            try (LineClient b = new LineClient(server.localAddress("echo"))) {
                assertTrue(b.closedByServer());
            }
            assertEquals(1, server.refusedConnections("echo"));
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (Server server = echo(Limits.DEFAULTS.withIdleTimeout(Duration.ofMillis(300)));
             LineClient a = new LineClient(server.localAddress("echo"), 10_000)) {
            assertEquals("a", a.send("a\n").readLine());
            assertTrue(a.closedByServer(), "closed by the server well within the socket's 10 s timeout");
        }
    }

    /** A module that answers every byte with 64 KiB, and records the server side of the connection. */
    private static final class Flood implements ProtocolModule {
        final AtomicReference<Channel> channel = new AtomicReference<>();
        final AtomicLong received = new AtomicLong();

        @Override
        public String name() {
            return "flood";
        }

        @Override
        public Set<Transport> transports() {
            return Set.of(Transport.TCP);
        }

        @Override
        public void initPipeline(ChannelPipeline p, ConnectionContext c) {
            channel.set(c.channel());
            p.addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    io.netty.buffer.ByteBuf in = (io.netty.buffer.ByteBuf) msg;
                    received.addAndGet(in.readableBytes());
                    in.release();
                    ctx.writeAndFlush(ctx.alloc().buffer(65536).writeZero(65536));
                }
            });
        }
    }

    @Test
    void aCountedConnectionKeepsItsIdleTimerWithBackpressureInOneHandlerButNotTheLimiter() throws Exception {
        Flood flood = new Flood();
        try (Server server = Server.builder().module(flood).shutdownTimeout(Duration.ofSeconds(1))
                .listener(ListenerConfig.tcp("flood").host("127.0.0.1").port(0).build()).build().start();
             Socket s = new Socket()) {
            s.connect(server.localAddress("flood"));
            s.getOutputStream().write(1);
            assertTrue(s.getInputStream().read() >= 0, "the connection was set up and answered");
            ChannelPipeline p = flood.channel.get().pipeline();
            // The limiter only counts at connect and uncounts at close: an idle connection need not carry it.
            assertNull(p.get(PipelineNames.CONNECTION_LIMIT));
            // One handler for the idle timer and backpressure: an idle connection pays for one pipeline context.
            assertInstanceOf(IdleBackpressureHandler.class, p.get(PipelineNames.IDLE_TIMEOUT));
            // It is the connection's context too, found there rather than in a channel attribute.
            assertSame(p.get(PipelineNames.IDLE_TIMEOUT), ConnectionContext.of(flood.channel.get()));
            assertFalse(flood.channel.get().hasAttr(ConnectionContext.KEY));
            assertNull(p.get(PipelineNames.BACKPRESSURE));
            assertNotNull(p.get(PipelineNames.TAIL));
        }
    }

    @Test
    void aClientThatWritesFastAndNeverReadsLeavesTheServersBufferBounded() throws Exception {
        floodLeavesTheBufferBounded(Limits.DEFAULTS.idleTimeout());
    }

    @Test
    void withoutAnIdleTimeoutTheBackpressureHandlerAloneKeepsTheServersBufferBounded() throws Exception {
        floodLeavesTheBufferBounded(Duration.ZERO);
    }

    private void floodLeavesTheBufferBounded(Duration idleTimeout) throws Exception {
        Flood flood = new Flood();
        int high = 256 * 1024;
        try (Server server = Server.builder().module(flood).shutdownTimeout(Duration.ofSeconds(1))
                .listener(ListenerConfig.tcp("flood").host("127.0.0.1").port(0)
                        .limits(Limits.DEFAULTS.withWriteBuffer(high / 2, high).withIdleTimeout(idleTimeout)).build())
                .build().start();
             Socket s = new Socket()) {
            s.setReceiveBufferSize(16 * 1024);
            s.connect(server.localAddress("flood"));
            OutputStream out = s.getOutputStream();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                byte[] chunk = new byte[1024];
                try {
                    for (int i = 0; i < 64 * 1024; i++) { // at most 64 MiB, far beyond any socket buffer
                        out.write(chunk);
                    }
                } catch (java.io.IOException e) {
                    // the test closes the socket while the writer is blocked
                }
            });
            // Wait until the server has stopped reading: the writer blocks once both kernels' buffers fill.
            long last = -1;
            for (int i = 0; i < 200; i++) {
                Thread.sleep(50);
                long now = flood.received.get();
                Channel ch = flood.channel.get();
                if (ch != null && now == last && !ch.config().isAutoRead()) {
                    break;
                }
                last = now;
            }
            Channel ch = flood.channel.get();
            assertEquals(idleTimeout.isZero(), ch.pipeline().get(PipelineNames.BACKPRESSURE) != null);
            assertFalse(ch.config().isAutoRead(), "the server paused reading while it could not write");
            assertFalse(ch.isWritable());
            long pending = ch.unsafe().outboundBuffer() == null ? 0 : ch.unsafe().outboundBuffer().totalPendingWriteBytes();
            // At most one answer beyond the high watermark per read burst is queued, never the whole input's worth.
            assertTrue(pending <= high + 64L * 65536, "pending output " + pending + " stays bounded");
            assertTrue(flood.received.get() < 32L * 1024 * 1024, "the server stopped consuming input");
            s.close();
            writer.get(10, TimeUnit.SECONDS);
        }
    }
}
