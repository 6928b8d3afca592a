package dev.berth.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.core.spi.ConnectionContext;
import dev.berth.core.spi.ProtocolModule;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How a UDP listener hands datagrams to its protocol: in batches, each ended by one read-complete. */
class DatagramBatchTest {

    @Test
    void datagramsWaitingTogetherReachTheProtocolInOneBatchWithTheOversizedOneDropped() throws Exception {
        BatchCounter counter = new BatchCounter();
        try (Server server = Server.builder().module(counter)
                .shutdownTimeout(java.time.Duration.ofSeconds(2))
                .listener(ListenerConfig.udp("batch-udp").protocol("batch").host("127.0.0.1").port(0)
                        .limits(Limits.DEFAULTS.withMaxDatagramSize(100)).build())
                .build().start()) {
            InetSocketAddress udp = server.localAddress("batch-udp");
            Channel channel = counter.channel.get(5, TimeUnit.SECONDS);
            // Hold the event loop so that every datagram below is queued in the socket before it reads any.
            CountDownLatch release = new CountDownLatch(1);
            channel.eventLoop().execute(() -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try (DatagramSocket s = new DatagramSocket(0, udp.getAddress())) {
                for (int i = 0; i < 9; i++) {
                    // On loopback a datagram is in the server's receive queue when send returns.
                    byte[] data = new byte[i == 4 ? 101 : 100];
                    s.send(new DatagramPacket(data, data.length, udp));
                }
            }
            release.countDown();
            assertTrue(counter.done.await(10, TimeUnit.SECONDS), "the eight datagrams within the limit arrive");
            assertEquals(List.of(8), counter.batches, "read in one batch, the oversized one dropped");
            assertEquals(1, server.droppedDatagrams("batch-udp"));
        }
    }

    /** Records how many datagrams each read batch brought. */
    private static final class BatchCounter implements ProtocolModule {
        final CompletableFuture<Channel> channel = new CompletableFuture<>();
        final List<Integer> batches = new CopyOnWriteArrayList<>();
        final CountDownLatch done = new CountDownLatch(8);

        @Override
        public String name() {
            return "batch";
        }

        @Override
        public Set<Transport> transports() {
            return Set.of(Transport.UDP);
        }

        @Override
        public void initPipeline(ChannelPipeline pipeline, ConnectionContext connection) {
            channel.complete(connection.channel());
            pipeline.addLast(new ChannelInboundHandlerAdapter() {
                private int reads;

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ReferenceCountUtil.release(msg);
                    reads++;
                }

                @Override
                public void channelReadComplete(ChannelHandlerContext ctx) {
                    if (reads > 0) {
                        batches.add(reads);
                        for (int i = 0; i < reads; i++) {
                            done.countDown();
                        }
                    }
                    reads = 0;
                }
            });
        }
    }
}
